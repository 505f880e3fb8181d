import Foundation
import FraudCore
import FraudModel
import FraudPipeline
import Generator
import Kafka
import Postgres
import Testing

/// A stream of generated transactions with some broken messages mixed in, on an embedded
/// cluster, and what an uninterrupted run over it must produce.
struct WorkerTestStream {
    /// Every record of the topic, per partition, in offset order.
    var records: [Int32: [KafkaRecord]]
    /// Features and score of every valid transaction, from one processor per partition run
    /// over the whole partition in one go: the uninterrupted run.
    var expected: [String: (features: [Double], score: Double)]
    /// Where the broken messages are.
    var rejected: Set<Location>

    struct Location: Hashable, CustomStringConvertible {
        var partition: Int32
        var offset: Int64
        var description: String { "\(partition)@\(offset)" }
    }

    /// The end offset of each partition.
    var endOffsets: [Int32: Int64] {
        records.mapValues { ($0.last?.offset ?? -1) + 1 }
    }

    /// Generates `count` transactions (fraud, 5 % delayed by up to 2 s of event time) into
    /// `topic`, adds `malformed` broken messages spread over the partitions, and reads it all
    /// back.
    static func make(
        cluster: EmbeddedKafkaCluster, topic: String, partitions: Int, count: Int, seed: UInt64, malformed: [[UInt8]]
    ) async throws -> WorkerTestStream {
        try cluster.createTopic(topic, partitions: partitions)
        var flags = GeneratorFlags()
        flags.brokers = cluster.bootstrapServers
        flags.topic = topic
        flags.labelsTopic = topic + "_labels"
        flags.partitions = String(partitions)
        flags.clock = "simulated"
        flags.max = true
        flags.rate = "4"
        flags.accounts = "5000"
        flags.count = String(count)
        flags.seed = String(seed)
        flags.disorder = "2s"
        let summary = try await GeneratorRun.run(options: GeneratorOptions(flags: flags, environment: [:]))
        #expect(summary.transactions == count && summary.deliveryErrors == 0)

        let producer = try KafkaProducer(configuration: DeadLetterSink.producerConfiguration(bootstrapServers: cluster.brokerAddresses))
        for (index, value) in malformed.enumerated() {
            try await producer.send(KafkaProducerMessage(topic: topic, partition: Int32(index % partitions), key: Array("broken-\(index)".utf8), value: value))
        }
        try await producer.close()

        let records = try await readAll(cluster: cluster, topic: topic, count: count + malformed.count)
        return try await score(records)
    }

    /// Reads the whole topic with a consumer of its own.
    static func readAll(cluster: EmbeddedKafkaCluster, topic: String, count: Int) async throws -> [Int32: [KafkaRecord]] {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: cluster.brokerAddresses, groupID: "reference-\(UUID())", topics: [topic])
        configuration.sessionTimeout = .seconds(6)
        let consumer = try KafkaConsumer(configuration: configuration)
        var records: [Int32: [KafkaRecord]] = [:]
        var received = 0
        let deadline = ContinuousClock.now + .seconds(120)
        for try await event in consumer.events {
            if case .records(let batch) = event {
                records[batch.topicPartition.partition, default: []] += batch.records
                received += batch.records.count
            } else if case .gap(let gap) = event {
                Issue.record("the embedded broker dropped records: \(gap); make the test's partitions smaller")
            }
            if received >= count || ContinuousClock.now > deadline { break }
        }
        await consumer.close()
        #expect(received == count, "read \(received) of \(count) records back")
        return records
    }

    /// Runs every partition through one processor: what an uninterrupted worker computes.
    static func score(_ records: [Int32: [KafkaRecord]]) async throws -> WorkerTestStream {
        let model = try ModelFile.load(defaultModelPath)
        var expected: [String: (features: [Double], score: Double)] = [:]
        var rejected: Set<Location> = []
        var results: [ProcessedBatch] = []
        for (partition, partitionRecords) in records {
            let processor = try PartitionProcessor(partition: partition, model: model, modelVersion: "reference")
            let topicPartition = KafkaTopicPartition(topic: partitionRecords[0].topicPartition.topic, partition: partition)
            results.append(await processor.process(KafkaRecordBatch(topicPartition: topicPartition, records: partitionRecords)))
        }
        for result in results {
            for row in result.scored {
                #expect(expected[row.transaction.id] == nil, "the generator repeated transaction id \(row.transaction.id)")
                expected[row.transaction.id] = (row.features.values, row.score)
            }
            for letter in result.deadLetters {
                rejected.insert(Location(partition: letter.message.partition, offset: letter.message.offset))
            }
        }
        return WorkerTestStream(records: records, expected: expected, rejected: rejected)
    }

    /// The bundled model, as the worker loads it.
    static var defaultModelPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/fraudstream/Resources/default-model.json").path
    }

    /// Checks that `schema` holds exactly what an uninterrupted run writes: every valid
    /// transaction once with the expected features and score, every broken message in
    /// `rejected_transactions`, and the offsets at the end of each partition.
    func verify(schema: String, group: String, topic: String, on connection: PostgresConnection) async throws {
        let rows = try await connection.query("SELECT transaction_id, features, score FROM \(schema).scored_transactions")
        #expect(rows.count == expected.count, "scored_transactions holds \(rows.count) rows; the stream has \(expected.count) valid transactions")
        var mismatches: [String] = []
        for row in rows {
            let id = try row[0, as: String.self]
            guard let want = expected[id] else {
                mismatches.append("\(id): not in the stream")
                continue
            }
            let features = try row[1, as: PostgresArray<Double>.self].elements
            let score = try row[2, as: Double.self]
            if !Self.sameBits(features, want.features) || score.bitPattern != want.score.bitPattern {
                mismatches.append("\(id): features or score differ from the uninterrupted run")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) rows differ, first: \(mismatches.prefix(5))")

        let duplicates = try await connection.query("SELECT count(*) FROM \(schema).duplicate_transactions")
        #expect(try duplicates[0][0, as: Int.self] == 0)
        let rejects = try await connection.query(
            "SELECT kafka_partition, kafka_offset, reason_code FROM \(schema).rejected_transactions WHERE topic = $1", [.text(topic)])
        let stored = Set(try rejects.map { Location(partition: try $0[0, as: Int32.self], offset: try $0[1, as: Int64.self]) })
        #expect(stored == rejected && rejects.count == rejected.count, "rejected_transactions: \(stored.sorted { $0.description < $1.description }), expected \(rejected.sorted { $0.description < $1.description })")
        for row in rejects {
            #expect(try !row[2, as: String.self].isEmpty)
        }
        let offsets = try await OffsetStore(schema: schema).nextOffsets(group: group, topic: topic, on: connection)
        #expect(offsets == endOffsets, "stream_offsets \(offsets.sorted { $0.key < $1.key }), partition ends \(endOffsets.sorted { $0.key < $1.key })")
    }

    private static func sameBits(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
    }
}
