import Foundation
@testable import Dashboard
import Testing

@Suite("GET /api/throughput")
struct ThroughputEndpointTests {
    /// Scored at 10:00:01 (×3), 10:00:05 (flagged), 10:00:12 (×2, one flagged), 10:00:29.5
    /// (flagged); outside the range 09:59:59.9 and 10:00:30 (both flagged).
    static func seed(_ seed: DashboardSeed) async throws {
        let rows: [(String, Bool)] = [
            ("2026-03-01T10:00:01.000Z", false), ("2026-03-01T10:00:01.200Z", false), ("2026-03-01T10:00:01.999Z", false),
            ("2026-03-01T10:00:05Z", true), ("2026-03-01T10:00:12Z", true), ("2026-03-01T10:00:12.5Z", false),
            ("2026-03-01T10:00:29.5Z", true), ("2026-03-01T09:59:59.9Z", true), ("2026-03-01T10:00:30Z", true),
        ]
        for (index, (time, flagged)) in rows.enumerated() {
            // Event times far from the scoring times: the series must follow scored_at.
            try await seed.scored("t\(index)", eventTime: "2025-01-01T00:00:00Z", scoredAt: time, flagged: flagged, offset: index)
        }
    }

    @Test("counts per second and flagged per 10 seconds by scored_at, empty buckets as zeros, rows outside the range left out")
    func countsPerBucket() async throws {
        try await DashboardTestServer.with(seed: { try await Self.seed(DashboardSeed(connection: $0, schema: $1)) }) { server, _, _ in
            let json = try await server.json("/api/throughput?from=2026-03-01T10:00:00Z&to=2026-03-01T10:00:30Z")
            #expect(json["from"] as? String == "2026-03-01T10:00:00.000Z")
            #expect(json["to"] as? String == "2026-03-01T10:00:30.000Z")
            let perSecond = try points(json["scoredPerSecond"])
            #expect(perSecond.count == 30)
            #expect(perSecond.first?.time == "2026-03-01T10:00:00.000Z")
            #expect(perSecond.last?.time == "2026-03-01T10:00:29.000Z")
            var expected = [Int](repeating: 0, count: 30)
            expected[1] = 3
            expected[5] = 1
            expected[12] = 2
            expected[29] = 1
            #expect(perSecond.map(\.count) == expected)
            let flagged = try points(json["flaggedPer10Seconds"])
            #expect(flagged.map(\.time) == ["2026-03-01T10:00:00.000Z", "2026-03-01T10:00:10.000Z", "2026-03-01T10:00:20.000Z"])
            #expect(flagged.map(\.count) == [1, 1, 1])
        }
    }

    @Test("a range is widened to whole 10-second buckets; minutes with from reaches forward, with to back")
    func widenedAndRelativeRanges() async throws {
        try await DashboardTestServer.with(seed: { try await Self.seed(DashboardSeed(connection: $0, schema: $1)) }) { server, _, _ in
            let widened = try await server.json("/api/throughput?from=2026-03-01T10:00:03Z&to=2026-03-01T10:00:21.5Z")
            #expect(widened["from"] as? String == "2026-03-01T10:00:00.000Z")
            #expect(widened["to"] as? String == "2026-03-01T10:00:30.000Z")
            #expect(try points(widened["flaggedPer10Seconds"]).map(\.count) == [1, 1, 1])

            // An offset is read as such: 12:00+02:00 is 10:00Z.
            let offset = try await server.json("/api/throughput?from=2026-03-01T12:00:00%2B02:00&minutes=1")
            #expect(offset["from"] as? String == "2026-03-01T10:00:00.000Z")
            #expect(offset["to"] as? String == "2026-03-01T10:01:00.000Z")
            #expect(try points(offset["scoredPerSecond"]).map(\.count).reduce(0, +) == 8, "10:00:00 to 10:01:00 holds 8 of the rows")

            let back = try await server.json("/api/throughput?to=2026-03-01T10:00:10Z&minutes=1")
            #expect(back["from"] as? String == "2026-03-01T09:59:10.000Z")
            let before = try points(back["scoredPerSecond"])
            #expect(before.count == 60)
            #expect(before.map(\.count).reduce(0, +) == 5, "09:59:59.9, the three at 10:00:01 and 10:00:05")
        }
    }

    @Test("by default the last 5 minutes up to the last whole 10 seconds, which include rows scored just now")
    func defaultRange() async throws {
        try await DashboardTestServer.with { server, connection, schema in
            let seed = DashboardSeed(connection: connection, schema: schema)
            let now = Date()
            let recent = DashboardTime.format(now.addingTimeInterval(-25))
            try await seed.scored("recent", eventTime: recent, flagged: true)
            let json = try await server.json("/api/throughput")
            let toText = try #require(json["to"] as? String)
            let fromText = try #require(json["from"] as? String)
            let to = try #require(DashboardTime.parse(toText))
            let from = try #require(DashboardTime.parse(fromText))
            #expect(to.timeIntervalSince1970.truncatingRemainder(dividingBy: 10) == 0)
            #expect(to <= Date() && to > now.addingTimeInterval(-11), "to \(to) is not the last whole 10 s before \(now)")
            #expect(to.timeIntervalSince(from) == 300)
            #expect(try points(json["scoredPerSecond"]).count == 300)
            #expect(try points(json["flaggedPer10Seconds"]).count == 30)
            #expect(try points(json["scoredPerSecond"]).map(\.count).reduce(0, +) == 1)
            #expect(try points(json["flaggedPer10Seconds"]).map(\.count).reduce(0, +) == 1)
        }
    }
}

/// The `{time, count}` points of a series.
func points(_ value: Any?) throws -> [(time: String, count: Int)] {
    let array = try #require(value as? [[String: Any]], "not an array of points: \(String(describing: value))")
    return try array.map { (try #require($0["time"] as? String), try #require($0["count"] as? Int)) }
}
