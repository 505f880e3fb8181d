import Foundation
import Testing

@Suite("GET /api/workers and /api/rejected")
struct WorkerHealthEndpointTests {
    @Test("each worker's status row with lag per partition (object or array form), p99, rejected count and staleness")
    func workers() async throws {
        try await DashboardTestServer.with(seed: { connection, schema in
            let seed = DashboardSeed(connection: connection, schema: schema)
            try await seed.worker("worker-b", secondsAgo: 2, partitionLag: #"{"2": 7, "0": 5, "10": 0}"#, p99: 12.5, rejected: 3)
            try await seed.worker("worker-a", secondsAgo: 120, partitionLag: #"[{"partition": 1, "lag": 40}]"#, p99: 80, rejected: 0)
        }) { server, _, _ in
            let json = try await server.json("/api/workers")
            #expect(json["staleAfterSeconds"] as? Double == 15)
            #expect(json["now"] is String)
            let workers = try #require(json["workers"] as? [[String: Any]])
            #expect(workers.compactMap { $0["workerId"] as? String } == ["worker-a", "worker-b"])
            let (a, b) = (workers[0], workers[1])
            #expect(b["stale"] as? Bool == false)
            #expect(a["stale"] as? Bool == true)
            let stalenessB = try #require(b["stalenessSeconds"] as? Double)
            let stalenessA = try #require(a["stalenessSeconds"] as? Double)
            #expect(stalenessB >= 2 && stalenessB < 10)
            #expect(stalenessA >= 120 && stalenessA < 130)
            #expect(b["latencyP99Ms"] as? Double == 12.5)
            #expect(b["latencyP50Ms"] as? Double == 4.5)
            #expect(b["rejected"] as? Int == 3)
            #expect(b["totalLag"] as? Int == 12)
            let lags = try #require(b["partitionLag"] as? [[String: Int]])
            #expect(lags == [["partition": 0, "lag": 5], ["partition": 2, "lag": 7], ["partition": 10, "lag": 0]])
            #expect(a["partitionLag"] as? [[String: Int]] == [["partition": 1, "lag": 40]])
            #expect(a["totalLag"] as? Int == 40)
            for (key, value) in [("consumerGroup", "group-a"), ("host", "host-1"), ("modelVersion", "v7")] {
                #expect(b[key] as? String == value)
            }
            #expect([b["pid"], b["assignedPartitions"], b["consumed"], b["scored"], b["written"], b["flagged"], b["late"], b["duplicates"]]
                .compactMap { $0 as? Int } == [4242, 3, 1000, 990, 990, 12, 2, 1])
        }
    }

    @Test("no worker rows: an empty list")
    func noWorkers() async throws {
        try await DashboardTestServer.with { server, _, _ in
            let json = try await server.json("/api/workers")
            #expect((json["workers"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("rejected messages per minute with zeros between, and the reasons, most frequent first")
    func rejected() async throws {
        try await DashboardTestServer.with(seed: { connection, schema in
            let seed = DashboardSeed(connection: connection, schema: schema)
            try await seed.rejected(partition: 0, offset: 1, reason: "invalidJSON", at: "2026-03-01T10:00:05Z")
            try await seed.rejected(partition: 0, offset: 2, reason: "invalidJSON", at: "2026-03-01T10:00:59.9Z")
            try await seed.rejected(partition: 1, offset: 1, reason: "missingField", at: "2026-03-01T10:02:00Z")
            try await seed.rejected(partition: 1, offset: 2, reason: "missingField", at: "2026-03-01T10:03:00Z")
            try await seed.rejected(partition: 1, offset: 3, reason: "badAmount", at: "2026-03-01T10:03:30Z")
            try await seed.rejected(partition: 1, offset: 4, reason: "badAmount", at: "2026-03-01T10:05:00Z")  // after the range
        }) { server, _, _ in
            let json = try await server.json("/api/rejected?from=2026-03-01T10:00:00Z&to=2026-03-01T10:05:00Z")
            let minutes = try #require(json["minutes"] as? [[String: Any]])
            #expect(minutes.compactMap { $0["count"] as? Int } == [2, 0, 1, 2, 0])
            #expect(minutes.first?["minute"] as? String == "2026-03-01T10:00:00.000Z")
            let reasons = try #require(json["reasons"] as? [[String: Any]])
            #expect(reasons.compactMap { $0["reasonCode"] as? String } == ["invalidJSON", "missingField", "badAmount"])
            #expect(reasons.compactMap { $0["count"] as? Int } == [2, 2, 1])
        }
    }
}
