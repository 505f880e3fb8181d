import Foundation
import FraudPipeline
import Generator
import Kafka
import Postgres
import TestSupport
import Testing

@Suite("A worker that lost its partitions without noticing", .serialized)
struct WorkerFencingTests {
    @Test("SIGSTOP one worker past its session timeout, let another take over and write, resume the first: its writes are refused and logged, and no row differs from an uninterrupted run")
    func pausedOwnerIsFenced() async throws {
        let partitions = 4
        let group = "fencing"
        let cluster = try EmbeddedKafkaCluster()
        defer { cluster.shutdown() }
        try cluster.createTopic("transactions", partitions: partitions)
        let first = try await GeneratorRun.run(options: generatorOptions(
            cluster: cluster, topic: "transactions", partitions: partitions, count: 4_000, seed: 41, rate: nil), logger: .quiet)
        let schema = TestDatabase.uniqueName("fencing")
        let databaseURL = try TestDatabase.url()
        let arguments = ["--labels-topic", "none", "--checkpoint-interval", "1s"]
        let stale = try WorkerProcess(brokers: cluster.bootstrapServers, databaseURL: databaseURL, schema: schema, group: group, arguments: arguments)
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        let caughtUp = try await eventually(timeout: .seconds(90)) {
            await writtenOffsets(schema: schema, group: group, topic: "transactions", on: connection) == Int64(first.transactions)
        }
        try #require(caughtUp, "the first worker did not write the first part; its log:\n\(stale.log.suffix(3000))")

        // Frozen: no heartbeats, so the group moves its partitions once the session times out.
        kill(stale.process.processIdentifier, SIGSTOP)
        let successor = try WorkerProcess(brokers: cluster.bootstrapServers, databaseURL: databaseURL, schema: schema, group: group, arguments: arguments)
        let claimed = try await eventually(timeout: .seconds(60)) {
            let claims = (try? await OffsetStore(schema: schema).claims(group: group, topic: "transactions", on: connection)) ?? [:]
            return claims.count == partitions && claims.values.allSatisfy { $0.ownerEpoch >= 2 }
        }
        try #require(claimed, "the second worker did not claim the partitions; its log:\n\(successor.log.suffix(3000))")
        let second = try await GeneratorRun.run(options: generatorOptions(
            cluster: cluster, topic: "transactions", partitions: partitions, count: 4_000, seed: 42, rate: nil), logger: .quiet)
        let total = Int64(first.transactions + second.transactions)
        let written = try await eventually(timeout: .seconds(90)) {
            await writtenOffsets(schema: schema, group: group, topic: "transactions", on: connection) == total
        }
        try #require(written, "the second worker did not write the second part; its log:\n\(successor.log.suffix(3000))")

        // Resumed, the first worker still holds its partitions' state and their old epochs. It
        // learns that it left the group, drains (a write with its final checkpoints), or reads on:
        // either write must be refused.
        kill(stale.process.processIdentifier, SIGCONT)
        let refused = try await eventually(timeout: .seconds(60)) {
            stale.log.contains("another worker owns these partitions now")
        }
        #expect(refused, "the resumed worker's writes were not refused; its log:\n\(stale.log.suffix(4000))")

        let records = try await WorkerTestStream.readAll(cluster: cluster, topic: "transactions", count: Int(total))
        let reference = try await WorkerTestStream.score(records)
        let settled = try await eventually(timeout: .seconds(60)) {
            (try? await OffsetStore(schema: schema).nextOffsets(group: group, topic: "transactions", on: connection)) == reference.endOffsets
        }
        #expect(settled)
        let stopped = [stale.terminate(), successor.terminate()]
        #expect(stopped.allSatisfy { $0.status == 0 }, "exit statuses \(stopped.map(\.status)); logs:\n\(stale.log.suffix(2000))\n---\n\(successor.log.suffix(2000))")
        try await reference.verify(schema: schema, group: group, topic: "transactions", on: connection)
    }
}
