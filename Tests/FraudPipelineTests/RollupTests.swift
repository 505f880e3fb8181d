import FraudCore
import FraudPipeline
import Postgres
import TestSupport
import Testing

/// `scored_minutes` and `scored_seconds` (migration 8) against the rows and labels they count,
/// recomputed from the tables after every kind of write.
@Suite("Rollups kept by triggers", .serialized)
struct RollupTests {
    @Test("after sink writes, a duplicate, labels before and after their rows, relabelling, deleted labels and deleted rows, the rollups equal the tables")
    func everyWriteKeepsTheRollups() async throws {
        try await withSink { sink, connection, schema in
            let labels = LabelStore(schema: schema)
            func label(_ id: String, _ fraud: Bool, at seconds: Int64, offset: Int64) -> LabelStore.Entry {
                LabelStore.Entry(Label(id: id, isFraud: fraud, labeledAt: EventTime(millisecondsSinceEpoch: 1_767_400_000_000 + seconds * 1000)), partition: 0, offset: offset)
            }
            // Labels that arrive before their rows (the rows' insert counts them).
            try await labels.write([label("T-0-0", true, at: 0, offset: 0), label("T-1-3", false, at: 0, offset: 1)], rejects: [], on: connection)
            try await Self.expectRollupsMatch(connection, schema, "labels before rows")

            // Two model versions, minutes and seconds of both, through the sink's COPY.
            try await sink.write(scoredRows(partition: 0, offsets: 0..<150), nextOffsets: [0: 150], group: "workers", topic: "transactions")
            try await sink.write(scoredRows(partition: 1, offsets: 0..<90), nextOffsets: [1: 90], group: "workers", topic: "transactions")
            try await Self.expectRollupsMatch(connection, schema, "after the COPY")
            #expect(try await Self.total(connection, schema, "labelled") == 2)

            // A transaction id seen again at another offset: the slow path stores the rest only.
            let again = [scoredRow(partition: 0, offset: 150), scoredRow(id: "T-0-10", partition: 0, offset: 151), scoredRow(partition: 0, offset: 152)]
            let summary = try await sink.write(again, nextOffsets: [0: 153], group: "workers", topic: "transactions")
            #expect(summary.duplicates == 1)
            try await Self.expectRollupsMatch(connection, schema, "after a duplicate")
            #expect(try await Self.total(connection, schema, "scored") == 242)

            // Labels after their rows, a relabel both ways (latest wins), a stale label ignored.
            try await labels.write((0..<40).map { label("T-0-\($0 * 3)", $0 % 4 == 0, at: 10, offset: 2 + Int64($0)) }, rejects: [], on: connection)
            try await Self.expectRollupsMatch(connection, schema, "labels after rows")
            try await labels.write([
                label("T-0-0", false, at: 20, offset: 50), label("T-0-3", true, at: 20, offset: 51), label("T-0-6", true, at: 5, offset: 52),
            ], rejects: [], on: connection)
            try await Self.expectRollupsMatch(connection, schema, "relabelled")

            // Deletes, as an operator would run them in psql.
            try await connection.execute("DELETE FROM \(schema).labels WHERE transaction_id IN ('T-0-3', 'T-0-9', 'T-1-3')")
            try await Self.expectRollupsMatch(connection, schema, "labels deleted")
            try await connection.execute("DELETE FROM \(schema).scored_transactions WHERE kafka_partition = 0 AND kafka_offset < 30")
            try await Self.expectRollupsMatch(connection, schema, "rows deleted")
            #expect(try await Self.total(connection, schema, "scored") == 212)
        }
    }

    @Test("a row and its label written at once by two transactions are counted once, whichever commits first")
    func concurrentRowAndLabel() async throws {
        try await withSink { _, connection, schema in
            let other = try await TestDatabase.connect()
            defer { Task { await other.close() } }
            let observer = try await TestDatabase.connect()
            defer { Task { await observer.close() } }
            let otherPID = try await other.query("SELECT pg_backend_pid()")[0][0, as: Int32.self]
            let connectionPID = try await connection.query("SELECT pg_backend_pid()")[0][0, as: Int32.self]
            func row(_ id: String) -> String {
                """
                INSERT INTO \(schema).scored_transactions VALUES ('\(id)', TIMESTAMPTZ '2026-03-01 12:00:30+00', 'TRANSFER', 10,
                    'C1', 10, 0, 'M1', 0, 10, '{}', 3, 0.9, true, 'm1', 0, 0, TIMESTAMPTZ '2026-03-01 12:00:31+00')
                """
            }
            func label(_ id: String) -> String {
                "INSERT INTO \(schema).labels (transaction_id, is_fraud, labeled_at) VALUES ('\(id)', true, now())"
            }
            // Asked outside any transaction: pg_stat_activity is read once per transaction.
            func waitUntilBlocked(_ pid: Int32) async throws {
                let blocked = try await eventually(timeout: .seconds(10), every: .milliseconds(20)) {
                    try await observer.query("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $1", [.int32(pid)])
                        .first.map { try $0[0, as: Bool?.self] ?? false } ?? false
                }
                #expect(blocked, "the second transaction did not wait for the first")
            }

            // The row first: the label's statement waits for the row's commit, then sees it.
            try await connection.execute("BEGIN")
            try await connection.execute(row("X"))
            let labelX = Task { try await other.execute(label("X")) }
            try await waitUntilBlocked(otherPID)
            try await connection.execute("COMMIT")
            try await labelX.value
            try await Self.expectRollupsMatch(connection, schema, "row committed first")

            // The label first: the row's statement waits for the label's commit, then sees it.
            try await other.execute("BEGIN")
            try await other.execute(label("Y"))
            let rowY = Task { try await connection.execute(row("Y")) }
            try await waitUntilBlocked(connectionPID)
            try await other.execute("COMMIT")
            try await rowY.value
            try await Self.expectRollupsMatch(connection, schema, "label committed first")
            #expect(try await Self.total(connection, schema, "flagged_fraud") == 2)
        }
    }

    @Test("the migration counts what an installation had stored before it")
    func migrationBackfills() async throws {
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        let schema = TestDatabase.uniqueName("rollup_backfill")
        let before = try SchemaMigrator(schema: schema, migrations: SchemaMigration.all.filter { $0.version < 8 })
        try await before.migrate(connection)
        let sink = ScoredTransactionSink(connection: connection, schema: schema)
        try await sink.write(scoredRows(partition: 2, offsets: 0..<120), nextOffsets: [2: 120], group: "workers", topic: "transactions")
        try await LabelStore(schema: schema).write((0..<30).map {
            LabelStore.Entry(Label(id: "T-2-\($0 * 4)", isFraud: $0 % 3 == 0, labeledAt: EventTime(millisecondsSinceEpoch: 1_767_400_000_000)), partition: 0, offset: Int64($0))
        }, rejects: [], on: connection)
        try await SchemaMigrator(schema: schema).migrate(connection)
        try await Self.expectRollupsMatch(connection, schema, "after the migration")
        let scored = try await Self.total(connection, schema, "scored")
        let labelled = try await Self.total(connection, schema, "labelled")
        #expect(scored == 120 && labelled == 30)
        try await connection.execute("DROP SCHEMA \(schema) CASCADE")
    }

    /// The sum of one `scored_minutes` column.
    static func total(_ connection: PostgresConnection, _ schema: String, _ column: String) async throws -> Int {
        try await connection.query("SELECT coalesce(sum(\(column)), 0)::bigint FROM \(schema).scored_minutes")[0][0, as: Int.self]
    }

    /// Expects both rollups to hold exactly the counts recomputed from the tables (all-zero
    /// rollup rows, left by deletes, aside).
    static func expectRollupsMatch(_ connection: PostgresConnection, _ schema: String, _ step: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        func lines(_ sql: String) async throws -> [String] {
            try await connection.query("SELECT concat_ws(' ', VARIADIC line) FROM (\(sql)) lines (line)").map { try $0[0, as: String.self] }
        }
        let minutes = try await lines("""
            SELECT ARRAY[minute::text, model_version, scored::text, flagged::text, labelled::text, labelled_fraud::text, flagged_fraud::text]
            FROM \(schema).scored_minutes
            WHERE (scored, flagged, labelled, labelled_fraud, flagged_fraud) <> (0, 0, 0, 0, 0)
            ORDER BY minute, model_version
            """)
        let expectedMinutes = try await lines("""
            SELECT ARRAY[date_bin('1 minute', s.event_time, TIMESTAMPTZ '1970-01-01 00:00:00+00')::text, s.model_version,
                   count(*)::text, (count(*) FILTER (WHERE s.flagged))::text, count(l.transaction_id)::text,
                   (count(*) FILTER (WHERE l.is_fraud))::text, (count(*) FILTER (WHERE s.flagged AND l.is_fraud))::text]
            FROM \(schema).scored_transactions s LEFT JOIN \(schema).labels l ON l.transaction_id = s.transaction_id
            GROUP BY date_bin('1 minute', s.event_time, TIMESTAMPTZ '1970-01-01 00:00:00+00'), s.model_version
            ORDER BY date_bin('1 minute', s.event_time, TIMESTAMPTZ '1970-01-01 00:00:00+00'), s.model_version
            """)
        #expect(minutes == expectedMinutes, "scored_minutes \(step)", sourceLocation: sourceLocation)
        let seconds = try await lines("""
            SELECT ARRAY[second::text, scored::text, flagged::text] FROM \(schema).scored_seconds WHERE (scored, flagged) <> (0, 0) ORDER BY second
            """)
        let expectedSeconds = try await lines("""
            SELECT ARRAY[date_bin('1 second', scored_at, TIMESTAMPTZ '1970-01-01 00:00:00+00')::text, count(*)::text,
                   (count(*) FILTER (WHERE flagged))::text]
            FROM \(schema).scored_transactions
            GROUP BY date_bin('1 second', scored_at, TIMESTAMPTZ '1970-01-01 00:00:00+00')
            ORDER BY date_bin('1 second', scored_at, TIMESTAMPTZ '1970-01-01 00:00:00+00')
            """)
        #expect(seconds == expectedSeconds, "scored_seconds \(step)", sourceLocation: sourceLocation)
        #expect(!expectedMinutes.isEmpty || step.contains("before"), "nothing to compare \(step)", sourceLocation: sourceLocation)
    }
}
