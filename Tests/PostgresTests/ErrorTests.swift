import Foundation
import Postgres
import Testing
import TestSupport

@Suite("Server errors carry their SQLSTATE and message")
struct ErrorTests {
    @Test("a unique violation reports 23505, the constraint, and its detail only in debugDescription")
    func uniqueViolation() async throws {
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        try await connection.execute("CREATE TEMP TABLE accounts (id int8 CONSTRAINT accounts_pkey PRIMARY KEY)")
        try await connection.execute("INSERT INTO accounts VALUES ($1)", [.int64(424_242)])
        let error = try await #require(throws: PostgresError.self) {
            try await connection.execute("INSERT INTO accounts VALUES ($1)", [.int64(424_242)])
        }
        #expect(error.code == .server)
        #expect(error.sqlState == "23505")
        #expect(error.message == #"duplicate key value violates unique constraint "accounts_pkey""#)
        #expect(error.detail == "Key (id)=(424242) already exists.")
        #expect(!error.isRetryable)
        #expect(error.description.contains("23505"))
        #expect(error.description.contains("accounts_pkey"))
        #expect(!error.description.contains("424242"), "row values stay out of the loggable description")
        #expect(error.debugDescription.contains("424242"))
        // The connection stays usable after a statement error.
        #expect(try await connection.query("SELECT count(*) FROM accounts").first?[0, as: Int.self] == 1)
    }

    @Test("a syntax error reports 42601")
    func syntaxError() async throws {
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        let error = try await #require(throws: PostgresError.self) {
            try await connection.query("SELEC 1")
        }
        #expect(error.code == .server)
        #expect(error.sqlState == "42601")
        #expect(error.message.contains("syntax error at or near \"SELEC\""))
    }

    @Test("an undefined table reports 42P01 and names the table")
    func undefinedTable() async throws {
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        let error = try await #require(throws: PostgresError.self) {
            try await connection.query("SELECT * FROM no_such_table_here")
        }
        #expect(error.sqlState == "42P01")
        #expect(error.message == #"relation "no_such_table_here" does not exist"#)
        // The target names the server as the test's URL does: host:port/database user=name.
        let url = try #require(URLComponents(string: try TestDatabase.url()))
        let expected = "\(url.host ?? ""):\(url.port ?? 5432)\(url.path) user=\(url.user ?? "")"
        #expect(error.target == expected)
    }

    @Test("serialization failures and deadlocks are retryable", arguments: ["40001", "40P01"])
    func retryableStates(sqlState: String) async throws {
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        let error = try await #require(throws: PostgresError.self) {
            try await connection.execute("DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '\(sqlState)', MESSAGE = 'simulated', HINT = 'try again'; END $$")
        }
        #expect(error.sqlState == sqlState)
        #expect(error.message == "simulated")
        #expect(error.hint == "try again")
        #expect(error.isRetryable)
    }

    @Test("COPY statements are refused outside copyFrom without breaking the connection")
    func copyThroughQueryIsRefused() async throws {
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        try await connection.execute("CREATE TEMP TABLE sink (id int8)")
        let error = try await #require(throws: PostgresError.self) {
            try await connection.execute("COPY sink FROM STDIN")
        }
        #expect(error.code == .unexpectedResult)
        let copyOut = try await #require(throws: PostgresError.self) {
            try await connection.query("COPY (SELECT 1) TO STDOUT")
        }
        #expect(copyOut.code == .unexpectedResult)
        #expect(try await connection.query("SELECT 1").first?[0, as: Int.self] == 1)
    }
}
