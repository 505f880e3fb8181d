import Foundation
import Postgres
import Testing
import TestSupport

@Suite("EmbeddedPostgres")
struct EmbeddedPostgresTests {
    @Test("starts, serves its database, reuses its folder, adopts a running server, and stops idempotently")
    func lifecycle() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fraudstream-pg-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = EmbeddedPostgres.Configuration()
        configuration.dataDirectory = folder.appendingPathComponent("nested/data").path
        configuration.database = "lifecycle db"
        configuration.settings = ["application_name": "it's embedded"]
        let log = RecordingLogHandler.Messages()
        let server = EmbeddedPostgres(configuration, logger: RecordingLogHandler.logger(log))
        #expect(await server.url == nil)
        try await server.stop()  // before start: nothing to do

        let started = ContinuousClock.now
        let url = try await server.start()
        let firstStart = ContinuousClock.now - started
        #expect(await server.url == url)
        #expect(url.hasPrefix("postgres://fraudstream@127.0.0.1:"))
        #expect(try await server.start() == url, "starting a running server returns its URL")
        var connection = try await PostgresConnection.connect(PostgresConfiguration(url), logger: .quiet)
        #expect(try await connection.query("SELECT current_database()").first?[0, as: String.self] == "lifecycle db")
        #expect(try await connection.query("SHOW application_name").first?[0, as: String.self] == "it's embedded")
        try await connection.execute("CREATE TABLE survivor (id int8); INSERT INTO survivor VALUES (7)")
        await connection.close()

        // A second launcher on the same folder adopts the running server instead of starting another.
        let twin = EmbeddedPostgres(configuration, logger: .quiet)
        #expect(try await twin.start() == url)
        try await twin.stop()

        try await server.stop()
        try await server.stop()
        #expect(await server.url == nil)
        await #expect(throws: PostgresError.self) {
            try await PostgresConnection.connect(PostgresConfiguration(url), logger: .quiet)
        }

        let restarted = try await server.start()
        connection = try await PostgresConnection.connect(PostgresConfiguration(restarted), logger: .quiet)
        #expect(try await connection.query("SELECT id FROM survivor").first?[0, as: Int.self] == 7)
        await connection.close()
        try await server.stop()
        #expect(log.count(containing: "initialised a PostgreSQL data folder") == 1, "the folder is reused: \(log.all)")
        #expect(log.count(containing: "started PostgreSQL") == 2)
        #expect(firstStart < .seconds(30))
    }

    @Test("a folder that holds something else is refused with a clear message")
    func refusesForeignFolder() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fraudstream-pg-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "not a cluster".write(to: folder.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        var configuration = EmbeddedPostgres.Configuration()
        configuration.dataDirectory = folder.path
        let error = try await #require(throws: PostgresError.self) { try await EmbeddedPostgres(configuration, logger: .quiet).start() }
        #expect(error.code == .launcherFailed)
        #expect(error.message.contains("no PG_VERSION"))
    }

    @Test("missing server programs are reported with what to do")
    func missingPrograms() async throws {
        var configuration = EmbeddedPostgres.Configuration()
        configuration.binaryDirectory = "/nonexistent/postgresql/bin"
        let error = try await #require(throws: PostgresError.self) { try await EmbeddedPostgres(configuration, logger: .quiet).start() }
        #expect(error.code == .launcherFailed)
        #expect(error.message.contains("/nonexistent/postgresql/bin"))
    }
}
