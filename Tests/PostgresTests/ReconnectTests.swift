import Foundation
import Postgres
import Testing
import TestSupport

@Suite("Reconnecting after the server restarts")
struct ReconnectTests {
    @Test("the next call after a server restart reconnects transparently and succeeds")
    func reconnectsAfterRestart() async throws {
        try await withEmbeddedPostgres { server, url in
            let log = RecordingLogHandler.Messages()
            let connection = try await PostgresConnection.connect(PostgresConfiguration(url), logger: RecordingLogHandler.logger(log))
            defer { Task { await connection.close() } }
            let before = try #require(try await connection.query("SELECT pg_backend_pid()").first?[0, as: Int32.self])

            try await server.restart()

            let after = try #require(try await connection.query("SELECT pg_backend_pid()").first?[0, as: Int32.self])
            #expect(after != before, "a new server process means a new session")
            #expect(log.count(containing: "lost the connection") == 1, "\(log.all)")
            #expect(log.count(containing: "reconnected to PostgreSQL") == 1, "\(log.all)")
            #expect(try await connection.query("SELECT 1").first?[0, as: Int.self] == 1)
            #expect(log.count(containing: "reconnected") == 1, "state changes are logged once")
        }
    }

    @Test("a statement in flight during a restart fails retryably, and the next call reconnects")
    func statementInFlightFailsRetryably() async throws {
        try await withEmbeddedPostgres { server, url in
            let connection = try await PostgresConnection.connect(PostgresConfiguration(url), logger: .quiet)
            defer { Task { await connection.close() } }
            let sleeper = Task { try await connection.query("SELECT pg_sleep(30)") }
            try await waitUntilRunning("pg_sleep(30)", url: url)

            try await server.restart()

            let error = try await #require(throws: PostgresError.self) { try await sleeper.value }
            #expect(error.isRetryable, "\(error)")
            #expect(error.code == .connectionClosed, "\(error)")
            #expect(try await connection.query("SELECT 2").first?[0, as: Int.self] == 2)
        }
    }

    @Test("a connection lost inside a transaction is not silently replaced")
    func lostTransactionIsReported() async throws {
        try await withEmbeddedPostgres { server, url in
            let connection = try await PostgresConnection.connect(PostgresConfiguration(url), logger: .quiet)
            defer { Task { await connection.close() } }
            try await connection.execute("CREATE TABLE ledger (id int8)")
            let error = try await #require(throws: PostgresError.self) {
                try await connection.withTransaction { connection in
                    try await connection.execute("INSERT INTO ledger VALUES (1)")
                    try await server.restart()
                    try await connection.execute("INSERT INTO ledger VALUES (2)")
                }
            }
            #expect(error.code == .connectionClosed)
            #expect(error.isRetryable)
            #expect(error.message.contains("inside a transaction"))
            // The transaction is gone; the next call runs on a new session.
            #expect(try await connection.query("SELECT count(*) FROM ledger").first?[0, as: Int.self] == 0)
        }
    }

    @Test("reconnection gives up at its deadline when the server stays down")
    func reconnectGivesUp() async throws {
        try await withEmbeddedPostgres { server, url in
            var configuration = PostgresConfiguration(url)
            configuration.reconnect.initialBackoff = .milliseconds(50)
            configuration.reconnect.deadline = .milliseconds(600)
            let connection = try await PostgresConnection.connect(configuration, logger: .quiet)
            defer { Task { await connection.close() } }
            try await server.stop()
            let started = ContinuousClock.now
            let error = try await #require(throws: PostgresError.self) { try await connection.query("SELECT 1") }
            #expect(error.code == .connectionFailed)
            #expect(error.message.contains("gave up reconnecting"))
            #expect(ContinuousClock.now - started < .seconds(3))
        }
    }

    /// Polls the server's activity view until a statement shows up as running.
    private func waitUntilRunning(_ fragment: String, url: String) async throws {
        let observer = try await PostgresConnection.connect(PostgresConfiguration(url), logger: .quiet)
        defer { Task { await observer.close() } }
        for _ in 0..<200 {
            let running = try await observer.query(
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1 AND pid <> pg_backend_pid()",
                [.text("%\(fragment)%")]
            )
            if try running.first?[0, as: Int.self] == 1 { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("\(fragment) never started")
    }
}
