import Foundation
import Postgres
import Testing
import TestSupport

@Suite("Parameterised queries, typed results and transactions")
struct QueryTests {
    @Test("parameters of every type round-trip into typed results")
    func typedParametersRoundTrip() async throws {
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        let instant = Date(timeIntervalSince1970: 1_714_567_890.123456)
        let rows = try await connection.query(
            """
            SELECT $1::int8 AS big, $2::int4 AS medium, $3::int2 AS small, $4::float8 AS real,
                   $5::bool AS flag, $6::text AS note, $7::bytea AS raw, $8::timestamptz AS at,
                   $9::jsonb AS doc, $10::text AS missing
            """,
            [.int64(-9_007_199_254_740_993), .int32(-7), .int16(300), .double(-1.5e-300), true,
             "naïve café ☕️", .bytea([0, 1, 254, 255]), .timestamp(instant), .jsonb(#"{"a": [1, 2]}"#), nil]
        )
        #expect(rows.count == 1)
        #expect(rows.columnNames.first == "big")
        let row = try #require(rows.first)
        #expect(try row[0, as: Int64.self] == -9_007_199_254_740_993)
        #expect(try row["medium", as: Int32.self] == -7)
        #expect(try row["small", as: Int16.self] == 300)
        #expect(try row["real", as: Double.self] == -1.5e-300)
        #expect(try row["flag", as: Bool.self])
        #expect(try row["note", as: String.self] == "naïve café ☕️")
        #expect(try row["raw", as: [UInt8].self] == [0, 1, 254, 255])
        #expect(try microseconds(row["at", as: Date.self]) == microseconds(instant))
        #expect(try row["doc", as: String.self] == #"{"a": [1, 2]}"#)
        #expect(try row["missing", as: String?.self] == nil)
        #expect(try row["note", as: String?.self] == "naïve café ☕️")
    }

    @Test("NULL and wrongly typed columns are reported as type mismatches")
    func typeMismatches() async throws {
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        let row = try #require(try await connection.query("SELECT NULL::int8 AS n, 'abc'::text AS t, 70000::int4 AS i").first)
        #expect(try row["n", as: Int64?.self] == nil)
        let null = try #require(throws: PostgresError.self) { try row["n", as: Int64.self] }
        #expect(null.code == .typeMismatch)
        #expect(null.message.contains("is NULL"))
        let text = try #require(throws: PostgresError.self) { try row["t", as: Int64.self] }
        #expect(text.code == .typeMismatch)
        #expect(!text.description.contains("abc"), "a mismatch must not quote the value")
        #expect(throws: PostgresError.self) { try row["i", as: Int16.self] }
        #expect(throws: PostgresError.self) { try row["nope", as: Int64.self] }
        #expect(throws: PostgresError.self) { try row[7, as: Int64.self] }
    }

    @Test("untyped text parameters take the type the statement needs")
    func untypedTextParameters() async throws {
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        let row = try #require(try await connection.query(
            "SELECT $1::timestamptz = '2024-01-01T00:00:00Z'::timestamptz, $2::numeric * 2, $3 = 'x'",
            ["2024-01-01 00:00:00+00", "1.25", "x"]
        ).first)
        #expect(try row[0, as: Bool.self])
        #expect(try row[1, as: Double.self] == 2.5)
        #expect(try row[2, as: Bool.self])
    }

    @Test("timestamps are read correctly whatever the session time zone", arguments: ["UTC", "Asia/Kolkata", "America/St_Johns", "Africa/Monrovia"])
    func timestampsInTimeZones(zone: String) async throws {
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        try await connection.execute("SET TimeZone = '\(zone)'")
        let samples: [Int64] = [0, 1_714_567_890_123_456, -2_208_988_800_000_001, -1_000_000_000_000_000, 253_402_300_799_000_000]
        for sample in samples {
            let date = Date(timeIntervalSince1970: Double(sample) / 1_000_000)
            let row = try #require(try await connection.query("SELECT $1::timestamptz, $1::timestamptz::text", [.timestamp(date)]).first)
            let text = try row[1, as: String.self]
            #expect(try microseconds(row[0, as: Date.self]) == sample, "\(zone): \(text)")
        }
    }

    @Test("execute reports command tags and affected rows, and runs scripts")
    func executeReportsAffectedRows() async throws {
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        try await connection.execute("CREATE TEMP TABLE items (id int8 PRIMARY KEY, name text); CREATE INDEX ON items (name)")
        let insert = try await connection.execute("INSERT INTO items VALUES ($1, $2), ($3, $4), ($5, NULL)", [1, "a", 2, "b", 3])
        #expect(insert == PostgresCommandResult(commandTag: "INSERT 0 3", affectedRows: 3))
        let update = try await connection.execute("UPDATE items SET name = $1 WHERE id >= $2", ["z", 2])
        #expect(update.affectedRows == 2)
        let rows = try await connection.query("SELECT id, name FROM items ORDER BY id")
        #expect(try rows.map { try $0[0, as: Int.self] } == [1, 2, 3])
        #expect(try rows.map { try $0[1, as: String?.self] } == ["a", "z", "z"])
        #expect(rows.commandTag == "SELECT 3")
    }

    @Test("withTransaction commits when the body returns")
    func transactionCommits() async throws {
        let table = TestDatabase.uniqueName("tx_commit")
        let connection = try await TestDatabase.connect()
        let observer = try await TestDatabase.connect()
        defer { Task { await connection.close(); await observer.close() } }
        try await connection.execute("CREATE TABLE \(table) (id int8)")
        let value = try await connection.withTransaction { connection in
            try await connection.execute("INSERT INTO \(table) VALUES (1), (2)")
            // Not visible to another session until the commit.
            #expect(try await observer.query("SELECT count(*) FROM \(table)").first?[0, as: Int.self] == 0)
            return "done"
        }
        #expect(value == "done")
        #expect(try await observer.query("SELECT count(*) FROM \(table)").first?[0, as: Int.self] == 2)
        try await connection.execute("DROP TABLE \(table)")
    }

    struct Abort: Error {}

    @Test("withTransaction rolls back and rethrows when the body throws")
    func transactionRollsBack() async throws {
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        try await connection.execute("CREATE TEMP TABLE ledger (id int8)")
        await #expect(throws: Abort.self) {
            try await connection.withTransaction { connection in
                try await connection.execute("INSERT INTO ledger VALUES (1)")
                throw Abort()
            }
        }
        #expect(try await connection.query("SELECT count(*) FROM ledger").first?[0, as: Int.self] == 0)
        // The connection is out of the transaction and usable.
        try await connection.withTransaction { try await $0.execute("INSERT INTO ledger VALUES (2)") }
        #expect(try await connection.query("SELECT count(*) FROM ledger").first?[0, as: Int.self] == 1)
    }

    @Test("a transaction whose statement failed is not reported as committed")
    func abortedTransactionIsNotCommitted() async throws {
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        try await connection.execute("CREATE TEMP TABLE ledger (id int8 PRIMARY KEY)")
        let error = await #expect(throws: PostgresError.self) {
            try await connection.withTransaction { connection in
                try await connection.execute("INSERT INTO ledger VALUES (1)")
                _ = try? await connection.execute("INSERT INTO ledger VALUES (1)")  // swallowed failure
            }
        }
        #expect(error?.code == .unexpectedResult)
        #expect(try await connection.query("SELECT count(*) FROM ledger").first?[0, as: Int.self] == 0)
        let nested = await #expect(throws: PostgresError.self) {
            try await connection.withTransaction { connection in
                try await connection.withTransaction { _ in }
            }
        }
        #expect(nested?.message.contains("nested") == true)
    }
}

/// Microseconds since 1970, the precision PostgreSQL keeps.
func microseconds(_ date: Date) -> Int64 {
    Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
}
