import Foundation
import FraudModel
import Kafka
import Testing

/// The 200,000-transaction stream of the recovery tests, on an embedded cluster of its own,
/// made once per suite: generating it and computing its reference is the slow part, and
/// every test reads it with a group and schema of its own.
final class SharedWorkerStream: Sendable {
    /// The topic the stream is in.
    static let topic = "transactions"
    /// The stream's partitions.
    static let partitions = 16
    /// Valid transactions.
    static let transactions = 200_000
    /// Broken messages among them.
    static let malformed = 48

    let cluster: EmbeddedKafkaCluster
    let stream: WorkerTestStream

    /// The stream of the running suite (see ``SharedWorkerStreamTrait``).
    @TaskLocal static var current: SharedWorkerStream?

    private init(cluster: EmbeddedKafkaCluster, stream: WorkerTestStream) {
        self.cluster = cluster
        self.stream = stream
    }

    /// Generates the stream and its reference.
    static func make() async throws -> SharedWorkerStream {
        let cluster = try EmbeddedKafkaCluster()
        do {
            let started = ContinuousClock.now
            // About 250 bytes a record: 200,000 over 16 partitions is 3.1 MB a partition on
            // average, but records are keyed by account and a few accounts are far busier than
            // the rest. With this seed and account count the largest partition holds about
            // 3.7 MB, well under the embedded broker's 5 MiB (with 5,000 accounts and seed
            // 2026 one partition went past it); readAll records an issue if records are dropped.
            let stream = try await WorkerTestStream.make(
                cluster: cluster, topic: topic, partitions: partitions, count: transactions, seed: 6,
                malformed: WorkerTestStream.malformedMessages(count: malformed), malformedSpacing: .milliseconds(100),
                accounts: 20_000)
            let largest = stream.records.values.map(Self.bytes).max() ?? 0
            let threshold = try ModelFile.load(WorkerTestStream.defaultModelPath).decisionThreshold
            let flagged = stream.expected.values.count { $0.score >= threshold }
            print("shared worker stream: \(transactions) transactions (\(flagged) flagged by the model) and \(malformed) broken messages in \(partitions) partitions, largest partition \(largest) bytes, made in \(ContinuousClock.now - started)")
            #expect(stream.endOffsets.count == partitions, "records in \(stream.endOffsets.count) of \(partitions) partitions")
            #expect(stream.expected.count == transactions && stream.rejected.count == malformed)
            #expect(flagged > 0, "the stream holds no transaction the model flags")
            return SharedWorkerStream(cluster: cluster, stream: stream)
        } catch {
            cluster.shutdown()
            throw error
        }
    }

    private static func bytes(of records: [KafkaRecord]) -> Int {
        var bytes = 0
        for record in records { bytes += record.value.count + (record.key?.count ?? 0) }
        return bytes
    }

    /// The stream of the running suite.
    static func required() throws -> SharedWorkerStream {
        try #require(current, "the suite needs the .sharedWorkerStream trait")
    }
}

/// Makes one ``SharedWorkerStream`` for a whole suite and shuts its cluster down afterwards.
struct SharedWorkerStreamTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let shared = try await SharedWorkerStream.make()
        defer { shared.cluster.shutdown() }
        try await SharedWorkerStream.$current.withValue(shared) {
            try await function()
        }
    }
}

extension Trait where Self == SharedWorkerStreamTrait {
    /// Gives the suite's tests one shared 200,000-transaction stream (``SharedWorkerStream/required()``).
    static var sharedWorkerStream: Self { SharedWorkerStreamTrait() }
}
