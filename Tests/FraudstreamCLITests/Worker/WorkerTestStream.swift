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
    /// Where each valid transaction is, by id.
    var locations: [String: Location]

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
    /// - Parameters:
    ///   - accounts: Accounts in the simulation. Records are keyed by account and a few
    ///     accounts are far busier than the rest, so the count and seed decide how uneven
    ///     the partitions are.
    ///   - malformedSpacing: When given, the broken messages are sent one every
    ///     `malformedSpacing` while the generator runs, so they land among the transactions
    ///     rather than after them (where exactly depends on timing; the reference reads back
    ///     what the topic holds). Without it they follow the transactions.
    static func make(
        cluster: EmbeddedKafkaCluster, topic: String, partitions: Int, count: Int, seed: UInt64, malformed: [[UInt8]],
        malformedSpacing: Duration? = nil, accounts: Int = 5000
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
        flags.accounts = String(accounts)
        flags.count = String(count)
        flags.seed = String(seed)
        flags.disorder = "2s"
        let started = ContinuousClock.now
        let options = try GeneratorOptions(flags: flags, environment: [:])
        let generation = Task { try await GeneratorRun.run(options: options) }

        let producer = try KafkaProducer(configuration: DeadLetterSink.producerConfiguration(bootstrapServers: cluster.brokerAddresses))
        for (index, value) in malformed.enumerated() {
            if let malformedSpacing { try await Task.sleep(for: malformedSpacing) } else { _ = try await generation.value }
            try await producer.send(KafkaProducerMessage(topic: topic, partition: Int32(index % partitions), key: Array("broken-\(index)".utf8), value: value))
        }
        try await producer.close()
        let summary = try await generation.value
        #expect(summary.transactions == count && summary.deliveryErrors == 0)

        let generated = ContinuousClock.now
        let records = try await readAll(cluster: cluster, topic: topic, count: count + malformed.count)
        let read = ContinuousClock.now
        let stream = try await score(records)
        print("test stream of \(count) transactions: generated in \(generated - started), read back in \(read - generated), reference in \(ContinuousClock.now - read)")
        return stream
    }

    /// Reads the whole topic with a consumer of its own.
    static func readAll(cluster: EmbeddedKafkaCluster, topic: String, count: Int) async throws -> [Int32: [KafkaRecord]] {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: cluster.brokerAddresses, groupID: "reference-\(UUID())", topics: [topic])
        configuration.sessionTimeout = .seconds(6)
        let consumer = try KafkaConsumer(configuration: configuration)
        var records: [Int32: [KafkaRecord]] = [:]
        var received = 0
        // Records that never come (dropped by the broker) must not hang the test: the
        // watchdog closes the consumer, which ends its events.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(120))
            await consumer.close()
        }
        for try await event in consumer.events {
            if case .records(let batch) = event {
                records[batch.topicPartition.partition, default: []] += batch.records
                received += batch.records.count
            } else if case .gap(let gap) = event {
                Issue.record("the embedded broker dropped records: \(gap); make the test's partitions smaller")
            }
            if received >= count { break }
        }
        watchdog.cancel()
        await consumer.close()
        #expect(received == count, "read \(received) of \(count) records back: \(records.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.first?.offset ?? -1)..<\(($0.value.last?.offset ?? -2) + 1)" })")
        return records
    }

    /// Runs every partition through one processor: what an uninterrupted worker computes.
    /// Partitions are independent, so they are scored concurrently.
    /// - Parameter configuration: The feature settings the worker runs with.
    static func score(_ records: [Int32: [KafkaRecord]], configuration: FeatureConfiguration = FeatureConfiguration()) async throws -> WorkerTestStream {
        let model = try ModelFile.load(defaultModelPath)
        var expected: [String: (features: [Double], score: Double)] = [:]
        var rejected: Set<Location> = []
        var locations: [String: Location] = [:]
        let results = try await withThrowingTaskGroup(of: ProcessedBatch.self) { group in
            for (partition, partitionRecords) in records {
                let processor = try PartitionProcessor(partition: partition, configuration: configuration, model: model, modelVersion: "reference")
                let topicPartition = KafkaTopicPartition(topic: partitionRecords[0].topicPartition.topic, partition: partition)
                group.addTask { await processor.process(KafkaRecordBatch(topicPartition: topicPartition, records: partitionRecords)) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for result in results {
            for row in result.scored {
                #expect(expected[row.transaction.id] == nil, "the generator repeated transaction id \(row.transaction.id)")
                expected[row.transaction.id] = (row.features.values, row.score)
                locations[row.transaction.id] = Location(partition: row.partition, offset: row.offset)
            }
            for letter in result.deadLetters {
                rejected.insert(Location(partition: letter.message.partition, offset: letter.message.offset))
            }
        }
        return WorkerTestStream(records: records, expected: expected, rejected: rejected, locations: locations)
    }

    /// A few broken messages of different kinds, `count` in all: not JSON, truncated JSON,
    /// invalid UTF-8, a non-object, missing fields, wrong types, negative amounts.
    static func malformedMessages(count: Int) -> [[UInt8]] {
        let valid = #"{"id":"bad-ID","timestamp":"2026-01-01T12:00:00.123Z","type":"PAYMENT","amount":12.5,"#
            + #""account_from":"C1","old_balance_from":100,"new_balance_from":87.5,"account_to":"M2","old_balance_to":0,"new_balance_to":12.5}"#
        let kinds: [(Int) -> [UInt8]] = [
            { Array("not json \($0)".utf8) },
            { Array(valid.replacingOccurrences(of: "ID", with: "\($0)").utf8.prefix(60)) },
            { [0xff, 0xfe] + Array("\($0)".utf8) },
            { Array("[\($0), 2, 3]".utf8) },
            { Array(#"{"id":"bad-\#($0)"}"#.utf8) },
            { Array(valid.replacingOccurrences(of: "ID", with: "\($0)").replacingOccurrences(of: "12.5,", with: #""12.5","#).utf8) },
            { Array(valid.replacingOccurrences(of: "ID", with: "\($0)").replacingOccurrences(of: #""amount":12.5"#, with: #""amount":-1"#).utf8) },
        ]
        return (0..<count).map { kinds[$0 % kinds.count]($0) }
    }

    /// The bundled model, as the worker loads it.
    static var defaultModelPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/fraudstream/Resources/default-model.json").path
    }

    /// Checks that `schema` holds exactly what an uninterrupted run writes: every valid
    /// transaction once with the expected features and score, every broken message in
    /// `rejected_transactions`, and the offsets at the end of each partition.
    /// - Parameter context: Added to every failure message (a seed, say).
    func verify(schema: String, group: String, topic: String, on connection: PostgresConnection, context: String = "") async throws {
        let offsets = try await OffsetStore(schema: schema).nextOffsets(group: group, topic: topic, on: connection)
        #expect(offsets == endOffsets, "stream_offsets \(offsets.sorted { $0.key < $1.key }), partition ends \(endOffsets.sorted { $0.key < $1.key }) \(context)")
        try await verifyCommitted(upTo: endOffsets, schema: schema, topic: topic, on: connection, context: context)
    }

    /// Checks that `schema` holds exactly the outputs of offsets `0..<nextOffsets[p]` of each
    /// partition `p` (none for a partition not named), each once and as the uninterrupted run
    /// computed it: the scored rows bit for bit, and the broken messages in
    /// `rejected_transactions` with a reason.
    /// - Parameter context: Added to every failure message (a seed, say).
    func verifyCommitted(
        upTo nextOffsets: [Int32: Int64], schema: String, topic: String, on connection: PostgresConnection, context: String = ""
    ) async throws {
        let covered = { (location: Location) in location.offset < nextOffsets[location.partition, default: 0] }
        let wantedRows = expected.count { covered(locations[$0.key]!) }
        let rows = try await connection.query("SELECT transaction_id, features, score, kafka_partition, kafka_offset FROM \(schema).scored_transactions")
        #expect(rows.count == wantedRows, "scored_transactions holds \(rows.count) rows; the stream has \(wantedRows) valid transactions below the committed offsets \(context)")
        var mismatches: [String] = []
        for row in rows {
            let id = try row[0, as: String.self]
            guard let want = expected[id], let location = locations[id] else {
                mismatches.append("\(id): not in the stream")
                continue
            }
            let features = try row[1, as: PostgresArray<Double>.self].elements
            let score = try row[2, as: Double.self]
            if !Self.sameBits(features, want.features) || score.bitPattern != want.score.bitPattern {
                mismatches.append("\(id): features or score differ from the uninterrupted run")
            }
            if location != Location(partition: try row[3, as: Int32.self], offset: try row[4, as: Int64.self]) {
                mismatches.append("\(id): stored at another partition or offset than \(location)")
            } else if !covered(location) {
                mismatches.append("\(id): stored, but at \(location), not below its partition's committed offset")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) rows differ, first: \(mismatches.prefix(5)) \(context)")

        let duplicates = try await connection.query("SELECT count(*) FROM \(schema).duplicate_transactions")
        #expect(try duplicates[0][0, as: Int.self] == 0, "duplicate_transactions is not empty \(context)")
        let rejects = try await connection.query(
            "SELECT kafka_partition, kafka_offset, reason_code FROM \(schema).rejected_transactions WHERE topic = $1", [.text(topic)])
        let stored = Set(try rejects.map { Location(partition: try $0[0, as: Int32.self], offset: try $0[1, as: Int64.self]) })
        let wantedRejects = rejected.filter(covered)
        #expect(stored == wantedRejects && rejects.count == wantedRejects.count, "rejected_transactions: \(stored.sorted { $0.description < $1.description }), expected \(wantedRejects.sorted { $0.description < $1.description }) \(context)")
        for row in rejects {
            #expect(try !row[2, as: String.self].isEmpty, "a reject without a reason code \(context)")
        }
    }

    private static func sameBits(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
    }
}
