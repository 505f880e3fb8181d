import Foundation
import FraudPipeline
import Generator
import Kafka
import Postgres
import TestSupport
import Testing

@Suite("A topic recreated below the committed offsets", .serialized)
struct WorkerRecreatedTopicTests {
    @Test("a log that ends before the committed offset stops its partition with an error naming both, and scores nothing of it; `fraudstream offsets reset` accepts the new log, which the next worker scores from its start")
    func recreatedTopicStopsThenResets() async throws {
        let group = "recreated"
        let schema = TestDatabase.uniqueName("recreated")
        let databaseURL = try TestDatabase.url()
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        let arguments = ["--labels-topic", "none", "--checkpoint-interval", "1s"]

        // The first life of the topic: written and committed.
        let old = try EmbeddedKafkaCluster()
        try old.createTopic("transactions", partitions: 2)
        let first = try await GeneratorRun.run(options: generatorOptions(
            cluster: old, topic: "transactions", partitions: 2, count: 2_000, seed: 61, rate: nil), logger: .quiet)
        let writer = try WorkerProcess(brokers: old.bootstrapServers, databaseURL: databaseURL, schema: schema, group: group, arguments: arguments)
        let written = try await eventually(timeout: .seconds(90)) {
            await writtenOffsets(schema: schema, group: group, topic: "transactions", on: connection) == Int64(first.transactions)
        }
        try #require(written, "the first worker did not write the first log; its log:\n\(writer.log.suffix(3000))")
        #expect(writer.terminate().status == 0)
        old.shutdown()
        let committed = try await OffsetStore(schema: schema).nextOffsets(group: group, topic: "transactions", on: connection)

        // The topic deleted and created again (here: a new cluster), with fewer records than
        // were committed: reading on at the committed offsets would skip them all as replays.
        let new = try EmbeddedKafkaCluster()
        defer { new.shutdown() }
        try new.createTopic("transactions", partitions: 2)
        let second = try await GeneratorRun.run(options: generatorOptions(
            cluster: new, topic: "transactions", partitions: 2, count: 600, seed: 62, rate: nil), logger: .quiet)
        let records = try await WorkerTestStream.readAll(cluster: new, topic: "transactions", count: second.transactions)
        let ends = records.mapValues { Int64($0.count) }
        #expect(committed.allSatisfy { $0.value > ends[$0.key, default: 0] }, "the new log must end below the committed offsets: \(committed) vs \(ends)")

        let stopping = try WorkerProcess(brokers: new.bootstrapServers, databaseURL: databaseURL, schema: schema, group: group, arguments: arguments)
        let stopped = try await eventually(timeout: .seconds(60)) {
            stopping.log.lines(containing: "log ends before its committed offset").count >= 2
        }
        #expect(stopped, "the worker did not stop the partitions; its log:\n\(stopping.log.suffix(3000))")
        for (partition, offset) in committed {
            let line = stopping.log.lines(containing: "log ends before its committed offset").first { $0.contains("partition=\(partition) ") }
            #expect(line?.contains("committedOffset=\(offset)") == true && line?.contains("logEnd=\(ends[partition] ?? -1)") == true,
                    "partition \(partition)'s error does not name committed offset \(offset) and log end \(ends[partition] ?? -1): \(line ?? "none")")
        }
        try await Task.sleep(for: .seconds(2))
        #expect(try await connection.query("SELECT count(*) FROM \(schema).scored_transactions")[0][0, as: Int.self] == first.transactions,
                "rows were written for a stopped partition")
        #expect(try await OffsetStore(schema: schema).nextOffsets(group: group, topic: "transactions", on: connection) == committed)
        #expect(stopping.process.isRunning, "the worker exited instead of stopping the partitions alone")

        let reset = try runFraudstream(
            ["offsets", "reset", "--partition", "0", "--partition", "1", "--group", group, "--database-url", databaseURL, "--schema", schema],
            environment: cleanEnvironment())
        #expect(reset.status == 0, "\(reset.standardError)")
        for (partition, offset) in committed {
            #expect(reset.standardOutput.contains("partition \(partition) of transactions (group \(group)): next offset \(offset) → 0, checkpoint at"),
                    "\(reset.standardOutput)")
        }
        #expect(stopping.terminate().status == 0)

        let reader = try WorkerProcess(brokers: new.bootstrapServers, databaseURL: databaseURL, schema: schema, group: group, arguments: arguments)
        let caughtUp = try await eventually(timeout: .seconds(90)) {
            (try? await OffsetStore(schema: schema).nextOffsets(group: group, topic: "transactions", on: connection)) == ends
        }
        #expect(caughtUp, "the worker did not read the new log after the reset; its log:\n\(reader.log.suffix(3000))")
        #expect(reader.terminate().status == 0)
        let reference = try await WorkerTestStream.score(records)
        let stored = Set(try await connection.query("SELECT transaction_id FROM \(schema).scored_transactions").map { try $0[0, as: String.self] })
        #expect(stored.count == first.transactions + second.transactions)
        #expect(Set(reference.expected.keys).isSubset(of: stored), "transactions of the new log are missing")
    }
}
