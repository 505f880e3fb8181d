import Foundation
import FraudPipeline
import Generator
import Kafka
import Postgres
import TestSupport
import Testing

@Suite("A replay while the database is stalled", .serialized)
struct WorkerReplayMemoryTests {
    /// The most resident memory the replaying worker may use: 400 MiB. Replayed batches carry no
    /// rows, but with a 100 ms checkpoint interval each partition queues a snapshot of all its
    /// accounts every 100 ms; the sink queue holds at most 64 MiB of them (and 1,024 items). Most
    /// of the worker's memory here is the state of the 250,000-odd accounts itself and the
    /// consumer's buffers: measured 242–262 MiB in a debug build. On the embedded broker, whose
    /// 5 MiB per partition caps the replay, the same run with the queue unbounded measured about
    /// the same, so this test states the worker's bound; `SinkQueueTests` is the one that fails
    /// on an unbounded queue.
    static let memoryBound = 400 << 20

    @Test("a worker replaying 280,000 records without a checkpoint, with the checkpoint table locked, stays under its memory bound and writes nothing")
    func replayUnderStallIsBounded() async throws {
        let partitions = 32
        let group = "replay"
        let cluster = try EmbeddedKafkaCluster()
        defer { cluster.shutdown() }
        try cluster.createTopic("transactions", partitions: partitions)
        // Many accounts, each seen about once: large partition states, so the snapshots weigh.
        var flags = GeneratorFlags()
        flags.brokers = cluster.bootstrapServers
        flags.topic = "transactions"
        flags.labelsTopic = "transactions_labels"
        flags.partitions = String(partitions)
        flags.clock = "simulated"
        flags.max = true
        flags.rate = "4"
        flags.accounts = "800000"
        flags.count = "280000"
        flags.seed = "81"
        let generated = try await GeneratorRun.run(options: GeneratorOptions(flags: flags, environment: [:]), logger: .quiet)
        let schema = TestDatabase.uniqueName("replay")
        let databaseURL = try TestDatabase.url()
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }

        // As if a worker had written everything and died without a checkpoint: the next one must
        // replay the whole stream to rebuild the state, and every replayed output is dropped.
        try await SchemaMigrator(schema: schema).migrate(connection)
        let ends = try await WorkerTestStream.readAll(cluster: cluster, topic: "transactions", count: generated.transactions)
            .mapValues { Int64($0.count) }
        for (partition, end) in ends {
            try await OffsetStore(schema: schema).reset(partition, to: end, group: group, topic: "transactions", on: connection)
        }

        let replaying = try WorkerProcess(
            brokers: cluster.bootstrapServers, databaseURL: databaseURL, schema: schema, group: group,
            arguments: ["--labels-topic", "none", "--checkpoint-interval", "100ms"])
        let restored = try await eventually(timeout: .seconds(60)) {
            replaying.log.lines(containing: "partition assigned; no checkpoint").count >= partitions
        }
        try #require(restored, "the second worker did not take the partitions over; its log:\n\(replaying.log.suffix(3000))")
        let pid = replaying.process.processIdentifier
        let locker = try await TestDatabase.connect()
        defer { Task { await locker.close() } }
        var peak = 0
        try await locker.withTransaction { locker in
            // Every write of the replay carries due checkpoints: they all wait on this lock.
            try await locker.execute("LOCK TABLE \(schema).partition_checkpoints IN ACCESS EXCLUSIVE MODE")
            let end = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < end {
                peak = max(peak, residentBytes(of: pid) ?? 0)
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        print("replay under a stalled database: peak RSS \(mebibytes(peak)) (bound \(mebibytes(Self.memoryBound)))")
        #expect(peak > 0)
        #expect(peak < Self.memoryBound, "the replaying worker's resident memory reached \(mebibytes(peak)); log:\n\(replaying.log.suffix(2000))")

        let caughtUp = try await eventually(timeout: .seconds(120)) {
            replaying.log.lines(containing: "partition caught up with its committed offset").count >= partitions
        }
        #expect(caughtUp, "the replay did not finish after the lock was released; its log:\n\(replaying.log.suffix(3000))")
        #expect(replaying.terminate().status == 0)
        #expect(try await connection.query("SELECT count(*) FROM \(schema).scored_transactions")[0][0, as: Int.self] == 0,
                "a replayed output was written")
        #expect(try await OffsetStore(schema: schema).nextOffsets(group: group, topic: "transactions", on: connection) == ends)
    }
}
