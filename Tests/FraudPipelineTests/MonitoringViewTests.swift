import FraudModel
import FraudPipeline
import Postgres
import TestSupport
import Testing

@Suite("Monitoring views")
struct MonitoringViewTests {
    /// Crafted rows: (id, minute offset from 12:00, flagged, latest label) where a label of
    /// nil means unlabelled.
    static let rows: [(String, Int, Bool, Bool?)] = [
        // 12:00–12:15: TP, TP, FP, FN, TN, TN, unlabelled flagged
        ("a1", 0, true, true), ("a2", 3, true, true), ("a3", 5, true, false), ("a4", 7, false, true),
        ("a5", 9, false, false), ("a6", 14, false, false), ("a7", 14, true, nil),
        // 12:15–12:30: FN, TN
        ("b1", 15, false, true), ("b2", 29, false, false),
    ]

    @Test("precision, recall and accuracy per 15-minute window count TP, FP, FN against the latest labels, unlabelled rows as legitimate")
    func qualityPerWindow() async throws {
        try await withCraftedRows { connection, schema in
            let windows = try await connection.query("""
                SELECT to_char(window_start AT TIME ZONE 'UTC', 'HH24:MI'), transactions, labelled, true_positives, false_positives,
                       false_negatives, true_negatives, precision, recall, accuracy
                FROM \(schema).model_quality_15m ORDER BY window_start
                """)
            #expect(windows.count == 2)
            let first = windows[0]
            #expect(try first[0, as: String.self] == "12:00")
            #expect(try first[1, as: Int.self] == 7)
            #expect(try first[2, as: Int.self] == 6)
            // The flagged unlabelled a7 is a false positive, as evaluate counts it.
            #expect(try [first[3, as: Int.self], first[4, as: Int.self], first[5, as: Int.self], first[6, as: Int.self]] == [2, 2, 1, 2])
            #expect(try first[7, as: Double.self] == 0.5)
            #expect(try first[8, as: Double.self] == 2.0 / 3.0)
            #expect(try first[9, as: Double.self] == 4.0 / 7.0)
            let second = windows[1]
            #expect(try second[0, as: String.self] == "12:15")
            #expect(try second[7, as: Double?.self] == nil, "no flagged transaction: precision undefined")
            #expect(try second[8, as: Double.self] == 0)
            #expect(try second[9, as: Double.self] == 0.5)
        }
    }

    @Test("fraud_scenarios and ModelOutcomeQuery give exactly DetectionReport's figures on the same crafted rows")
    func scenariosAgreeWithDetectionReport() async throws {
        // (id, account, minute, amount, flagged, fraud type or nil for legitimate)
        let crafted: [(String, String, Int, Double, Bool, String?)] = [
            // A: one fan-out flagged in its middle, a later separate one missed (31-minute pause).
            ("a1", "A", 0, 100, false, "fan_out"), ("a2", "A", 10, 200, true, "fan_out"), ("a3", "A", 20, 300, false, "fan_out"),
            ("a4", "A", 51, 50, false, "fan_out"),
            // B: a false alarm on a legitimate payment, then a cash-out that rides on it.
            ("b1", "B", 0, 5, true, nil), ("b2", "B", 3, 400, false, "cash_out"),
            // C: takeover then cash-out without a pause (two scenarios), only the last flagged.
            ("c1", "C", 0, 1.5, false, "account_takeover"), ("c2", "C", 0, 700, true, "cash_out"),
            // D: equal event times ordered by id; the flag on d0 comes before d1.
            ("d1", "D", 5, 60, false, "fan_out"), ("d0", "D", 5, 40, true, "fan_out"),
            // E: legitimate and unflagged.
            ("e1", "E", 1, 10, false, nil),
        ]
        let connection = try await TestDatabase.connect()
        let migrator = try SchemaMigrator(schema: TestDatabase.uniqueName("scenarios"))
        try await migrator.migrate(connection)
        let schema = migrator.schema
        do {
            for (id, account, minute, amount, flagged, fraudType) in crafted {
                try await connection.execute("""
                    INSERT INTO \(schema).scored_transactions VALUES ($1, TIMESTAMPTZ '2026-03-01 12:00:00+00' + make_interval(mins => $2::integer),
                      'TRANSFER', $3, $4, 1000, 0, 'C2', 0, 10, '{1,2}', 1, $5, $6, 'test', 0, 0, now())
                    """, [.text(id), .int(minute), .double(amount), .text(account), .double(flagged ? 0.95 : 0.05), .bool(flagged)])
                if let fraudType {
                    try await connection.execute("""
                        INSERT INTO \(schema).labels VALUES ($1, true, $2, TIMESTAMPTZ '2026-03-01 14:00:00+00')
                        """, [.text(id), .text(fraudType)])
                }
            }
            let expected = DetectionReport(rows: crafted.map { id, account, minute, amount, flagged, fraudType in
                DetectionReport.Row(
                    id: id, account: account, eventTime: 1_772_366_400_000 + Int64(minute) * 60_000, amount: amount,
                    isFraud: fraudType != nil, fraudType: fraudType, flagged: flagged)
            })
            let measured = try await ModelOutcomeQuery(schema: schema).run(on: connection)
            #expect(measured == expected)
            #expect(expected.all.scenarios == 6 && expected.all.detected == 3 && expected.all.detectedEarly == 2)
            #expect(expected.all.amountCaught == 200 + 300 + 50 + 400 + 700 + 100)
        } catch {
            _ = try? await connection.execute("DROP SCHEMA \(schema) CASCADE")
            await connection.close()
            throw error
        }
        try await connection.execute("DROP SCHEMA \(schema) CASCADE")
        await connection.close()
    }

    @Test("predicted and labelled fraud per minute")
    func fraudPerMinute() async throws {
        try await withCraftedRows { connection, schema in
            let minutes = try await connection.query("""
                SELECT to_char(minute AT TIME ZONE 'UTC', 'HH24:MI'), scored, predicted_fraud, labelled_fraud
                FROM \(schema).fraud_per_minute ORDER BY minute
                """)
            let byMinute = try Dictionary(uniqueKeysWithValues: minutes.map {
                (try $0[0, as: String.self], [try $0[1, as: Int.self], try $0[2, as: Int.self], try $0[3, as: Int.self]])
            })
            #expect(byMinute["12:00"] == [1, 1, 1])
            #expect(byMinute["12:05"] == [1, 1, 0])
            #expect(byMinute["12:07"] == [1, 0, 1])
            #expect(byMinute["12:14"] == [2, 1, 0])
            #expect(byMinute["12:15"] == [1, 0, 1])
            #expect(minutes.count == 8)
        }
    }

    @Test("flagged_transactions lists exactly the flagged rows")
    func flaggedView() async throws {
        try await withCraftedRows { connection, schema in
            let ids = try await connection.query("SELECT transaction_id FROM \(schema).flagged_transactions ORDER BY transaction_id")
                .map { try $0[0, as: String.self] }
            #expect(ids == ["a1", "a2", "a3", "a7"])
        }
    }

    private func withCraftedRows(_ body: (PostgresConnection, String) async throws -> Void) async throws {
        let connection = try await TestDatabase.connect()
        let migrator = try SchemaMigrator(schema: TestDatabase.uniqueName("monitoring"))
        try await migrator.migrate(connection)
        let schema = migrator.schema
        for (id, minute, flagged, label) in Self.rows {
            try await connection.execute("""
                INSERT INTO \(schema).scored_transactions VALUES ($1, TIMESTAMPTZ '2026-03-01 12:00:00+00' + make_interval(mins => $2::integer),
                  'TRANSFER', 10, 'C1', 10, 0, 'C2', 0, 10, '{1,2}', 1, $3, $4, 'test', 0, 0, now())
                """, [.text(id), .int(minute), .double(flagged ? 0.95 : 0.05), .bool(flagged)])
            if let label {
                // An earlier, opposite label that the latest one corrects.
                try await connection.execute("""
                    INSERT INTO \(schema).labels VALUES ($1, $2, NULL, TIMESTAMPTZ '2026-03-01 13:00:00+00')
                    """, [.text(id), .bool(!label)])
                try await connection.execute("""
                    INSERT INTO \(schema).labels VALUES ($1, $2, NULL, TIMESTAMPTZ '2026-03-01 14:00:00+00')
                    ON CONFLICT (transaction_id) DO UPDATE SET is_fraud = excluded.is_fraud, labeled_at = excluded.labeled_at
                    WHERE excluded.labeled_at >= \(schema).labels.labeled_at
                    """, [.text(id), .bool(label)])
            }
        }
        do {
            try await body(connection, schema)
        } catch {
            _ = try? await connection.execute("DROP SCHEMA \(schema) CASCADE")
            await connection.close()
            throw error
        }
        try await connection.execute("DROP SCHEMA \(schema) CASCADE")
        await connection.close()
    }
}
