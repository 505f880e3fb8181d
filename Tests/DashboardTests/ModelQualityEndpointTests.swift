import Foundation
import Testing

@Suite("GET /api/model-quality and /api/fraud-per-minute")
struct ModelQualityEndpointTests {
    /// (id, event time, flagged, latest label); nil is unlabelled.
    static let rows: [(String, String, Bool, Bool?)] = [
        // 12:00–12:15: TP, TP, FP, FN, TN, TN, and a flagged one without a label.
        ("a1", "2026-03-01T12:00:10Z", true, true), ("a2", "2026-03-01T12:03:00Z", true, true),
        ("a3", "2026-03-01T12:05:00Z", true, false), ("a4", "2026-03-01T12:07:00Z", false, true),
        ("a5", "2026-03-01T12:09:00Z", false, false), ("a6", "2026-03-01T12:14:59Z", false, false),
        ("a7", "2026-03-01T12:14:30Z", true, nil),
        // 12:15–12:30: nothing. 12:30–12:45: FN, TN.
        ("c1", "2026-03-01T12:30:00Z", false, true), ("c2", "2026-03-01T12:44:00Z", false, false),
        // Before the range: must not count.
        ("z1", "2026-03-01T11:59:59Z", true, true),
    ]

    static func seed(_ seed: DashboardSeed) async throws {
        for (index, (id, time, flagged, label)) in rows.enumerated() {
            try await seed.scored(id, eventTime: time, scoredAt: "2026-11-01T00:00:00Z", flagged: flagged, account: "C-\(id)", offset: index)
            if let label { try await seed.label(id, fraud: label) }
        }
        // A label later corrected: the latest (not fraud) counts, so c2 stays a true negative.
    }

    @Test("precision and recall per 15-minute window match hand counts (unlabelled rows legitimate) and the model_quality_15m view; scenarios as fraud_scenarios counts them; an empty window has zeros and nulls")
    func qualityWindows() async throws {
        try await DashboardTestServer.with(seed: { try await Self.seed(DashboardSeed(connection: $0, schema: $1)) }) { server, connection, schema in
            let json = try await server.json("/api/model-quality?from=2026-03-01T12:00:00Z&to=2026-03-01T12:45:00Z")
            #expect(json["windowMinutes"] as? Int == 15)
            let windows = try #require(json["windows"] as? [[String: Any]])
            #expect(windows.compactMap { $0["windowStart"] as? String }
                == ["2026-03-01T12:00:00.000Z", "2026-03-01T12:15:00.000Z", "2026-03-01T12:30:00.000Z"])
            let first = windows[0]
            #expect(first["transactions"] as? Int == 7)
            #expect(first["labelled"] as? Int == 6)
            // The flagged a7 has no label: a false positive, as evaluate and the demo count it.
            #expect([first["truePositives"], first["falsePositives"], first["falseNegatives"], first["trueNegatives"]].compactMap { $0 as? Int } == [2, 2, 1, 2])
            #expect(first["precision"] as? Double == 0.5)
            #expect(first["recall"] as? Double == 2.0 / 3.0)
            #expect(first["accuracy"] as? Double == 4.0 / 7.0)
            let empty = windows[1]
            #expect(empty["labelled"] as? Int == 0)
            #expect(empty["precision"] is NSNull && empty["recall"] is NSNull && empty["accuracy"] is NSNull)
            let third = windows[2]
            #expect(third["precision"] is NSNull, "nothing flagged: precision undefined")
            #expect(third["recall"] as? Double == 0)
            // Each fraud row is its own account's scenario: a1 and a2 flagged, a4 and c1 missed; z1 is before the range.
            let scenarios = try #require(json["scenarios"] as? [String: Any])
            #expect(scenarios["scenarios"] as? Int == 4 && scenarios["detected"] as? Int == 2)
            #expect(scenarios["detectionRate"] as? Double == 0.5 && scenarios["valueDetectionRate"] as? Double == 0.5)

            // The view over the whole table agrees on the windows it has.
            let view = try await connection.query("""
                SELECT to_char(window_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), transactions, true_positives,
                       false_positives, false_negatives, true_negatives, precision, recall
                FROM \(schema).model_quality_15m
                WHERE window_start >= '2026-03-01T12:00:00Z' AND window_start < '2026-03-01T12:45:00Z'
                """)
            #expect(view.count == 2)
            for row in view {
                let start = try row[0, as: String.self]
                let window = try #require(windows.first { $0["windowStart"] as? String == start })
                #expect(window["transactions"] as? Int == (try row[1, as: Int.self]))
                #expect(window["truePositives"] as? Int == (try row[2, as: Int.self]))
                #expect(window["falsePositives"] as? Int == (try row[3, as: Int.self]))
                #expect(window["falseNegatives"] as? Int == (try row[4, as: Int.self]))
                #expect(window["trueNegatives"] as? Int == (try row[5, as: Int.self]))
                #expect(window["precision"] as? Double == (try row[6, as: Double?.self]))
                #expect(window["recall"] as? Double == (try row[7, as: Double?.self]))
            }
        }
    }

    @Test("by default the windows end with the latest event time, however far from today")
    func defaultEndsAtLatestEventTime() async throws {
        try await DashboardTestServer.with(seed: { try await Self.seed(DashboardSeed(connection: $0, schema: $1)) }) { server, _, _ in
            let json = try await server.json("/api/model-quality")
            #expect(json["to"] as? String == "2026-03-01T12:45:00.000Z", "the window holding 12:44, the latest event")
            #expect(json["from"] as? String == "2026-03-01T09:45:00.000Z", "3 hours back")
            #expect((json["windows"] as? [Any])?.count == 12)

            let minutes = try await server.json("/api/fraud-per-minute?minutes=5")
            #expect(minutes["to"] as? String == "2026-03-01T12:45:00.000Z")
            #expect(minutes["from"] as? String == "2026-03-01T12:40:00.000Z")
        }
    }

    @Test("predicted and labelled fraud per minute, empty minutes as zeros")
    func fraudPerMinute() async throws {
        try await DashboardTestServer.with(seed: { try await Self.seed(DashboardSeed(connection: $0, schema: $1)) }) { server, _, _ in
            let json = try await server.json("/api/fraud-per-minute?from=2026-03-01T12:00:00Z&to=2026-03-01T12:16:00Z")
            let minutes = try #require(json["minutes"] as? [[String: Any]])
            #expect(minutes.count == 16)
            #expect(minutes.first?["minute"] as? String == "2026-03-01T12:00:00.000Z")
            func counts(_ minute: Int) -> [Int] {
                let m = minutes[minute]
                return [m["scored"], m["predictedFraud"], m["labelledFraud"]].compactMap { $0 as? Int }
            }
            #expect(counts(0) == [1, 1, 1])
            #expect(counts(3) == [1, 1, 1])
            #expect(counts(5) == [1, 1, 0])
            #expect(counts(7) == [1, 0, 1])
            #expect(counts(9) == [1, 0, 0])
            #expect(counts(14) == [2, 1, 0], "a6 and the unlabelled a7")
            for empty in [1, 2, 4, 6, 8, 10, 11, 12, 13, 15] {
                #expect(counts(empty) == [0, 0, 0], "minute \(empty)")
            }
        }
    }
}
