import Foundation
import Postgres
import TestSupport
import Testing

@Suite("fraudstream demo")
struct DemoCommandTests {
    @Test("a short demo runs end to end on its own Kafka and PostgreSQL, scores every transaction, prints the flagged ones and stops the database")
    func shortDemo() async throws {
        // As root the embedded server runs as the postgres user, which must reach the folder:
        // the temporary directory is open to all.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fraudstream-demo-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let show = 5
        let result = try runFraudstream(
            ["demo", "--duration", "3s", "--rate", "500", "--seed", "7", "--show", String(show), "--data-dir", folder.path, "--http-port", "0"],
            environment: cleanEnvironment(), timeout: .seconds(120))
        let output = result.standardOutput
        #expect(result.status == 0, "exit status \(result.status); stderr:\n\(result.standardError.suffix(3000))\nstdout:\n\(output)")

        // The dashboard was served on the free port it picked, and the URL printed.
        let dashboardPort = try #require(Self.number(after: "demo: dashboard at http://127.0.0.1:", in: result.standardError),
                                         "no dashboard URL:\n\(result.standardError.prefix(3000))")
        #expect(dashboardPort > 0)

        let generated = try #require(Self.number(after: "generated ", in: output), "no 'generated' line:\n\(output)")
        let scored = try #require(Self.number(after: "scored ", in: output), "no 'scored' line:\n\(output)")
        let flagged = try #require(Self.number(after: "flagged ", in: output), "no 'flagged' count:\n\(output)")
        #expect(generated >= 1_000, "the demo generated \(generated) transactions in 3 s at 500/s")
        // A simulated day of history comes first: about 13,100 accounts paying 6.6 times a day.
        let history = try #require(Self.number(after: " after ", in: output), "no history count:\n\(output)")
        #expect((70_000...100_000).contains(history), "\(history) history transactions")
        #expect(scored == generated + history, "the demo scored \(scored) of \(generated) live and \(history) history transactions")
        #expect(flagged > 0, "nothing flagged:\n\(output)")

        // The flagged table: a header, then the latest flagged transactions, newest first.
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("EVENT TIME (UTC)") && $0.contains("TRANSACTION") && $0.contains("SCORE") },
                                  "no flagged-transactions table:\n\(output)")
        let rows = lines[(header + 1)...].prefix { !$0.isEmpty }
        #expect(rows.count == min(show, flagged), "\(rows.count) table rows for \(flagged) flagged and --show \(show):\n\(output)")
        var times: [String] = []
        for row in rows {
            let columns = row.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard columns.count == 8, let score = Double(columns[6]) else {
                Issue.record("a table row that is not 8 columns with a score: \(row)")
                continue
            }
            #expect(score > 0 && score <= 1, "\(row)")
            times.append(columns[0])
        }
        #expect(times == times.sorted(by: >), "rows are not newest first: \(times)")
        #expect(output.contains("precision") && output.contains("recall"), "no model quality line:\n\(output)")
        for figure in ["per scenario", "detected", "by value", "without a label counts as legitimate"] {
            #expect(output.contains(figure), "no \(figure) in the model's figures:\n\(output)")
        }

        // The database was shut down cleanly: no server left on the folder.
        let pidFile = folder.appendingPathComponent("postgres/postmaster.pid").path
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("postgres/PG_VERSION").path), "no database in --data-dir")
        #expect(!FileManager.default.fileExists(atPath: pidFile), "the embedded PostgreSQL still runs after the demo")
        if FileManager.default.fileExists(atPath: pidFile) {
            // Stop what the demo left behind, so the test leaves no server running.
            var configuration = EmbeddedPostgres.Configuration()
            configuration.dataDirectory = folder.appendingPathComponent("postgres").path
            let server = EmbeddedPostgres(configuration, logger: .quiet)
            _ = try? await server.start()
            try? await server.stop()
        }
    }

    /// The whole number right after `prefix` on the first line that has it.
    static func number(after prefix: String, in text: String) -> Int? {
        for line in text.split(separator: "\n") {
            guard let range = line.range(of: prefix) else { continue }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        return nil
    }
}
