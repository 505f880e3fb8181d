import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import FraudPipeline
import Postgres
import TestSupport
import Testing

@Suite("fraudstream dashboard")
struct DashboardCommandTests {
    @Test("serves the page and the API of a schema on the port it picked, logs that port, and stops on SIGTERM")
    func servesAndStops() async throws {
        let connection = try await TestDatabase.connect()
        let schema = TestDatabase.uniqueName("dashboard_cli")
        try await SchemaMigrator(schema: schema).migrate(connection, logger: .quiet)
        defer { Task { _ = try? await connection.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE"); await connection.close() } }
        try await connection.execute("""
            INSERT INTO \(schema).worker_status (worker_id, consumer_group, host, pid, started_at, updated_at, model_version,
                assigned_partitions, consumed, scored, written, flagged, rejected, late, duplicates, latency_p50_ms, latency_p99_ms)
            VALUES ('w1', 'g', 'h', 1, now(), now(), 'v1', 1, 0, 0, 0, 0, 0, 0, 0, 1, 2)
            """)

        let logURL = FileManager.default.temporaryDirectory.appendingPathComponent("fraudstream-dashboard-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: logURL) }
        let log = try FileHandle(forWritingTo: logURL)
        let process = Process()
        process.executableURL = CommandLineRunner.executable
        process.arguments = ["dashboard", "--database-url", try TestDatabase.url(), "--schema", schema, "--http-port", "0"]
        process.environment = cleanEnvironment()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try log.close()
        defer { if process.isRunning { process.terminate() } }

        // The log line with the port it picked.
        var port: Int?
        let deadline = ContinuousClock.now + .seconds(30)
        while port == nil, process.isRunning, ContinuousClock.now < deadline {
            let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.contains("http server listening") }),
               let range = line.range(of: "port=") {
                port = Int(line[range.upperBound...].prefix { $0.isNumber })
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let logText = { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }
        let listening = try #require(port, "no 'http server listening ... port=' line:\n\(logText())")
        #expect(listening > 0)

        let (workers, workersResponse) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(listening)/api/workers")!)
        #expect((workersResponse as? HTTPURLResponse)?.statusCode == 200)
        let json = try #require(try JSONSerialization.jsonObject(with: workers) as? [String: Any])
        #expect((json["workers"] as? [[String: Any]])?.first?["workerId"] as? String == "w1", "\(String(decoding: workers, as: UTF8.self))")
        let (page, pageResponse) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(listening)/")!)
        #expect((pageResponse as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Type") == "text/html; charset=utf-8")
        #expect(String(decoding: page, as: UTF8.self).contains("/assets/dashboard.js"))

        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "exit status \(process.terminationStatus):\n\(logText())")
    }

    @Test("a port in use is refused naming --http-port")
    func portInUse() throws {
        let witness = try ConnectionWitness()
        let result = try runFraudstream(
            ["dashboard", "--database-url", "postgres://nobody@127.0.0.1:1/none", "--http-port", String(witness.port)],
            environment: cleanEnvironment(), timeout: .seconds(30))
        #expect(result.status != 0)
        #expect(result.standardError.contains("--http-port: port \(witness.port) on 127.0.0.1 is in use"), "\(result.standardError)")
    }
}
