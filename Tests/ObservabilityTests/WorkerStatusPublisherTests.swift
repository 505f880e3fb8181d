import Foundation
@testable import FraudPipeline
import Kafka
import Logging
import Observability
import Postgres
import ServiceLifecycle
import Synchronization
import TestSupport
import Testing

@Suite("worker_status rows", .serialized)
struct WorkerStatusPublisherTests {
    @Test("the publisher upserts the worker's row with its counters and lag, keeps it current, and deletes it at a graceful stop")
    func publishesAndDeletes() async throws {
        let connection = try await TestDatabase.connect()
        let schema = TestDatabase.uniqueName("status")
        _ = try await SchemaMigrator(schema: schema).migrate(connection, logger: .quiet)

        let metrics = WorkerMetrics(modelVersion: "model-7")
        metrics.setLagSource { [KafkaTopicPartition(topic: "t", partition: 0): 12, KafkaTopicPartition(topic: "t", partition: 5): 0] }
        metrics.update { $0.assignedPartitions = 2; $0.written = 40; $0.flagged = 3; $0.rejected = 1 }
        metrics.recordLatencies([900_000])  // before the publisher: not in its window
        let publisher = try WorkerStatusPublisher(
            metrics: metrics, database: PostgresConfiguration(TestDatabase.url()), schema: schema, group: "g",
            interval: .milliseconds(200), logger: .quiet)
        metrics.recordLatencies([10_000, 20_000])
        #expect(publisher.workerID.hasPrefix(ProcessInfo.processInfo.hostName + ":\(ProcessInfo.processInfo.processIdentifier):"))

        let group = ServiceGroup(services: [publisher], logger: .quiet)
        let running = Task { try await group.run() }

        func row() async throws -> PostgresRows {
            try await connection.query(
                """
                SELECT consumer_group, pid, model_version, assigned_partitions, written, flagged, rejected,
                       latency_p99_ms, partition_lag::text, updated_at
                FROM \(schema).worker_status WHERE worker_id = $1
                """, [.text(publisher.workerID)])
        }
        let appeared = try await eventually(timeout: .seconds(10), every: .milliseconds(50)) { try await row().count == 1 }
        try #require(appeared, "no worker_status row")
        let first = try await row()[0]
        #expect(try first[0, as: String.self] == "g")
        #expect(try first[1, as: Int.self] == Int(ProcessInfo.processInfo.processIdentifier))
        #expect(try first[2, as: String.self] == "model-7")
        #expect(try first[3, as: Int.self] == 2 && first[4, as: Int.self] == 40 && first[5, as: Int.self] == 3 && first[6, as: Int.self] == 1)
        #expect(abs(try first[7, as: Double.self] - 20) < 0.1)
        #expect(try first[8, as: String.self] == #"{"0": 12, "5": 0}"#)

        metrics.update { $0.written = 90 }
        let updated = try await eventually(timeout: .seconds(10), every: .milliseconds(50)) { try await row()[0][4, as: Int.self] == 90 }
        #expect(updated, "the row did not follow the counters")
        // The percentiles are the latest refresh's: with nothing written since, 0; then the new
        // latencies alone, not the run's.
        let idle = try await eventually(timeout: .seconds(10), every: .milliseconds(50)) { try await row()[0][7, as: Double.self] == 0 }
        #expect(idle, "p99 kept latencies from before the previous refresh")
        metrics.recordLatencies([5_000])
        let recent = try await eventually(timeout: .seconds(10), every: .milliseconds(50)) { abs(try await row()[0][7, as: Double.self] - 5) < 0.1 }
        #expect(recent, "p99 is not the latest refresh's")

        await group.triggerGracefulShutdown()
        try await running.value
        #expect(try await row().isEmpty, "the row outlived a graceful stop")
        await connection.close()
    }

    @Test("a table that is missing at first costs one warning: the publisher keeps trying and publishes once the schema exists")
    func retriesUntilTheTableExists() async throws {
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        let schema = TestDatabase.uniqueName("status")
        let logs = LogLines()
        let logger = Logger(label: "test") { _ in logs.handler() }
        let publisher = try WorkerStatusPublisher(
            metrics: WorkerMetrics(), database: PostgresConfiguration(TestDatabase.url()), schema: schema, group: "g",
            interval: .milliseconds(100), logger: logger)
        let group = ServiceGroup(services: [publisher], logger: .quiet)
        let running = Task { try await group.run() }
        // Several intervals fail against the real server (no such schema), then it appears.
        let warned = try await eventually(timeout: .seconds(10), every: .milliseconds(50)) { logs.lines.contains { $0.contains("could not publish the worker status row") } }
        #expect(warned, "no write failed before the schema existed: \(logs.lines)")
        try await Task.sleep(for: .milliseconds(500))
        _ = try await SchemaMigrator(schema: schema).migrate(connection, logger: .quiet)
        let published = try await eventually(timeout: .seconds(10), every: .milliseconds(50)) {
            try await connection.query("SELECT 1 FROM \(schema).worker_status WHERE worker_id = $1", [.text(publisher.workerID)]).count == 1
        }
        #expect(published, "the publisher gave up before the schema existed: \(logs.lines)")
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(logs.lines.count { $0.contains("could not publish the worker status row") } == 1, "one warning per outage: \(logs.lines)")
        try await connection.execute("DROP SCHEMA \(schema) CASCADE")
    }

    @Test("a database that is not there costs one warning, not the service: the run ends at the stop")
    func absentDatabase() async throws {
        let logs = LogLines()
        let logger = Logger(label: "test") { _ in logs.handler() }
        let publisher = try WorkerStatusPublisher(
            metrics: WorkerMetrics(), database: PostgresConfiguration("postgres://nobody@127.0.0.1:1/none?connect_timeout=1"),
            schema: "fraudstream", group: "g", interval: .milliseconds(100), logger: logger)
        let group = ServiceGroup(services: [publisher], logger: .quiet)
        let running = Task { try await group.run() }
        try await Task.sleep(for: .seconds(1))
        await group.triggerGracefulShutdown()
        try await running.value
        let warnings = logs.lines.filter { $0.contains("could not publish the worker status row") }
        #expect(warnings.count == 1, "expected one warning for the outage, got: \(logs.lines)")
    }
}
