@testable import FraudPipeline
import Foundation
import Observability
import Testing

@Suite("/readyz conditions")
struct ReadinessTests {
    private static func snapshot(assigned: Int, databaseUnavailable: Bool = false) -> WorkerMetrics.Snapshot {
        var snapshot = WorkerMetrics.Snapshot()
        snapshot.assignedPartitions = assigned
        snapshot.databaseUnavailable = databaseUnavailable
        return snapshot
    }

    @Test("ready with partitions, a reachable database and lag within the bound")
    func ready() throws {
        let readiness = Readiness(Self.snapshot(assigned: 4), maxLag: 0)
        #expect(readiness.isReady && readiness.failures.isEmpty)
        let json = try JSONSerialization.jsonObject(with: Data(readiness.json.utf8)) as? [String: Any]
        #expect(json?["ready"] as? Bool == true)
        #expect(json?["assignedPartitions"] as? Int == 4)
    }

    @Test("each failed condition is named, and all of them when several fail")
    func notReady() throws {
        let none = Readiness(Self.snapshot(assigned: 0), maxLag: 10)
        #expect(!none.isReady && none.failures.count == 1 && none.failures[0].hasPrefix("no partitions assigned"))

        let database = Readiness(Self.snapshot(assigned: 2, databaseUnavailable: true), maxLag: 10)
        #expect(database.failures.count == 1 && database.failures[0].hasPrefix("database unavailable"))

        var lagging = Readiness(Self.snapshot(assigned: 2), maxLag: 10)
        lagging.totalLag = 11
        #expect(lagging.failures == ["lag 11 is above --ready-max-lag 10"])
        lagging.totalLag = 10
        #expect(lagging.isReady, "lag equal to the bound is ready")

        var all = Readiness(Self.snapshot(assigned: 0, databaseUnavailable: true), maxLag: 0)
        all.totalLag = 5
        #expect(all.failures.count == 3)
        let json = try JSONSerialization.jsonObject(with: Data(all.json.utf8)) as? [String: Any]
        #expect(json?["ready"] as? Bool == false)
        #expect((json?["failures"] as? [String])?.count == 3)
        #expect(json?["lag"] as? Int == 5 && json?["maxLag"] as? Int == 0)
    }
}
