import FraudCore
@testable import FraudPipeline
import Kafka
import Postgres
import Synchronization
import TestSupport
import Testing

@Suite("Rejected messages to the dead-letter topic and rejected_transactions")
struct DeadLetterSinkTests {
    /// One broken input: its bytes, its key and the reason code the decoder must give.
    struct BrokenInput {
        var name: String
        var bytes: [UInt8]
        var key: [UInt8]?
        var reasonCode: String
    }

    static let valid = #"{"id":"T1","timestamp":1767225600000,"type":"PAYMENT","amount":12.5,"account_from":"C1","old_balance_from":100,"new_balance_from":87.5,"account_to":"M1","old_balance_to":0,"new_balance_to":0}"#

    static var brokenInputs: [BrokenInput] {
        let valid = Array(Self.valid.utf8)
        var inputs = [
            BrokenInput(name: "truncated JSON", bytes: Array(valid[..<(valid.count / 2)]), key: Array("T1".utf8), reasonCode: "malformed_json"),
            BrokenInput(name: "one byte short", bytes: Array(valid.dropLast()), key: Array("T1".utf8), reasonCode: "malformed_json"),
            BrokenInput(name: "not JSON", bytes: Array("hello".utf8), key: nil, reasonCode: "malformed_json"),
            BrokenInput(name: "empty", bytes: [], key: nil, reasonCode: "malformed_json"),
            BrokenInput(name: "an array", bytes: Array("[1,2,3]".utf8), key: Array("k".utf8), reasonCode: "not_an_object"),
            BrokenInput(name: "amount as a string", bytes: Array(Self.valid.replacingFirst("12.5", with: "\"12.5\"").utf8), key: Array("T1".utf8), reasonCode: "wrong_type"),
            BrokenInput(name: "id as a number", bytes: Array(Self.valid.replacingFirst("\"T1\"", with: "1").utf8), key: nil, reasonCode: "wrong_type"),
            BrokenInput(name: "amount beyond Double", bytes: Array(Self.valid.replacingFirst("12.5", with: "1e400").utf8), key: Array("T1".utf8), reasonCode: "non_finite_number"),
            BrokenInput(name: "negative amount", bytes: Array(Self.valid.replacingFirst("12.5", with: "-1").utf8), key: Array("T1".utf8), reasonCode: "negative_amount"),
            BrokenInput(name: "unknown type", bytes: Array(Self.valid.replacingFirst("PAYMENT", with: "BRIBE").utf8), key: nil, reasonCode: "unknown_transaction_type"),
            BrokenInput(name: "missing field", bytes: Array(#"{"id":"T1"}"#.utf8), key: Array("T1".utf8), reasonCode: "missing_field"),
            BrokenInput(name: "invalid UTF-8", bytes: Array(Self.valid.utf8.prefix(8)) + [0xC3, 0x28, 0xFF] + Array(Self.valid.utf8.dropFirst(8)), key: [0x00, 0xFF, 0x80], reasonCode: "invalid_utf8"),
        ]
        // 2 MiB: beyond the decoder's 64 KiB limit and the producer's default 1 MB limit.
        var huge = Array(#"{"id":""#.utf8)
        huge += (0..<(2 << 20)).map { UInt8(ascii: "a") + UInt8($0 % 26) }
        huge += Array(#""}"#.utf8)
        inputs.append(BrokenInput(name: "2 MiB message", bytes: huge, key: Array("huge".utf8), reasonCode: "message_too_large"))
        return inputs
    }

    @Test("every broken message reaches the dead-letter topic byte for byte, with key and headers, and the table with its reason")
    func brokenMessagesAreKept() async throws {
        let deadLetterTopic = "transactions_dead_letter"
        let cluster = try EmbeddedKafkaCluster(topics: [deadLetterTopic: 2])
        defer { cluster.shutdown() }
        let connection = try await TestDatabase.connect()
        let migrator = try SchemaMigrator(schema: TestDatabase.uniqueName("deadletter"))
        try await migrator.migrate(connection)
        let schema = migrator.schema

        // The decoder's verdicts, at made-up source positions.
        let decoder = TransactionDecoder()
        var letters: [DeadLetter] = []
        for (index, input) in Self.brokenInputs.enumerated() {
            do {
                _ = try decoder.decode(input.bytes)
                Issue.record("\(input.name) was accepted by the decoder")
            } catch {
                #expect(error.reason.code == input.reasonCode, "\(input.name)")
                let rejected = RejectedMessage(topic: "transactions", partition: Int32(index % 3), offset: Int64(1_000 + index), error: error, payload: input.bytes)
                letters.append(DeadLetter(rejected, key: input.key))
            }
        }
        #expect(letters.count == Self.brokenInputs.count)

        let producer = try KafkaProducer(configuration: DeadLetterSink.producerConfiguration(bootstrapServers: cluster.brokerAddresses))
        let sink = DeadLetterSink(topic: deadLetterTopic, schema: schema)
        let outbox = Outbox(schema: schema)
        try await connection.withTransaction { connection in
            try await sink.record(letters, on: connection)
            try await outbox.enqueue(letters.map(sink.producerMessage(for:)), on: connection)
        }
        // Recording a replay again changes nothing.
        try await sink.record(letters, on: connection)
        let relayConnection = try await TestDatabase.connect()
        let relay = OutboxRelay(
            outbox: outbox, connection: relayConnection, producer: producer, retry: DatabaseRetry(logger: .quiet),
            metrics: WorkerMetrics(), logger: .quiet)
        #expect(try await relay.sendPending() == letters.count)
        #expect(try await outbox.count(on: connection) == 0, "the relay left acknowledged records in the outbox")
        await relayConnection.close()
        try await producer.close()

        // Read the dead-letter topic back.
        var configuration = KafkaConsumerConfiguration(bootstrapServers: cluster.brokerAddresses, groupID: "dead-letter-check", topics: [deadLetterTopic])
        configuration.sessionTimeout = .seconds(6)
        configuration.maxBufferedBytesPerPartition = 8 << 20
        configuration.additionalProperties["fetch.message.max.bytes"] = String(8 << 20)
        let consumer = try KafkaConsumer(configuration: configuration)
        let received = Mutex<[KafkaRecord]>([])
        let reading = Task {
            for try await event in consumer.events {
                if case .records(let batch) = event {
                    received.withLock { $0 += batch.records }
                }
            }
        }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while received.withLock({ $0.count }) < letters.count, clock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        await consumer.close()
        try await reading.value
        let records = received.withLock { $0 }
        #expect(records.count == letters.count)

        let bySourceOffset = Dictionary(uniqueKeysWithValues: records.map { record in
            (record.headers.first(named: DeadLetterSink.Header.sourceOffset).map { String(decoding: $0, as: UTF8.self) } ?? "none", record)
        })
        for letter in letters {
            let message = letter.message
            guard let record = bySourceOffset[String(message.offset)] else {
                Issue.record("no dead-letter record for source offset \(message.offset) (\(message.reasonCode))")
                continue
            }
            #expect(record.value == message.payload, "value of \(message.reasonCode) at \(message.offset)")
            #expect(record.key == letter.key)
            #expect(record.headers == [
                KafkaHeader(key: "fraudstream.reason", string: message.reason),
                KafkaHeader(key: "fraudstream.reason_code", string: message.reasonCode),
                KafkaHeader(key: "fraudstream.source_topic", string: "transactions"),
                KafkaHeader(key: "fraudstream.source_partition", string: String(message.partition)),
                KafkaHeader(key: "fraudstream.source_offset", string: String(message.offset)),
            ])
        }
        #expect(records.contains { $0.value.count > 2 << 20 })

        let rows = try await connection.query(
            "SELECT topic, kafka_partition, kafka_offset, reason_code, reason, payload FROM \(schema).rejected_transactions ORDER BY kafka_offset"
        )
        #expect(rows.count == letters.count)
        for (row, letter) in zip(rows, letters) {
            let message = letter.message
            #expect(try row[0, as: String.self] == "transactions")
            #expect(try row[1, as: Int32.self] == message.partition)
            #expect(try row[2, as: Int64.self] == message.offset)
            #expect(try row[3, as: String.self] == message.reasonCode)
            #expect(try row[4, as: String.self] == message.reason)
            #expect(try row[5, as: [UInt8].self] == message.payload)
        }

        try await connection.execute("DROP SCHEMA \(schema) CASCADE")
        await connection.close()
    }

    @Test("a producer with the default limit refuses a 2 MiB dead letter: the sink's producer configuration is needed")
    func defaultProducerRefusesLargeRecords() async throws {
        let cluster = try EmbeddedKafkaCluster(topics: ["dead": 1])
        defer { cluster.shutdown() }
        let huge = try #require(Self.brokenInputs.last)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: cluster.brokerAddresses))
        await #expect(throws: KafkaError.self) {
            try await producer.send(KafkaProducerMessage(topic: "dead", key: huge.key, value: huge.bytes))
        }
        try await producer.close()
    }

    @Test("a dead letter larger than the topic takes is kept in rejected_transactions, dropped from the outbox with an error, and the other letters still go out")
    func oversizedLetterIsSkipped() async throws {
        let cluster = try EmbeddedKafkaCluster(topics: ["dead": 1])
        defer { cluster.shutdown() }
        let connection = try await TestDatabase.connect()
        let migrator = try SchemaMigrator(schema: TestDatabase.uniqueName("oversized"))
        try await migrator.migrate(connection)
        let producer = try KafkaProducer(configuration: DeadLetterSink.producerConfiguration(bootstrapServers: cluster.brokerAddresses))
        let sink = DeadLetterSink(topic: "dead", schema: migrator.schema)
        let outbox = Outbox(schema: migrator.schema)
        let decoder = TransactionDecoder()
        func letter(_ bytes: [UInt8], offset: Int64) -> DeadLetter {
            do {
                _ = try decoder.decode(bytes)
            } catch {
                return DeadLetter(RejectedMessage(topic: "transactions", partition: 0, offset: offset, error: error, payload: bytes), key: nil)
            }
            fatalError("the decoder accepted a broken message")
        }
        // 5 MiB: more than the dead-letter producer's 4 MiB limit.
        let letters = [letter([UInt8](repeating: UInt8(ascii: "x"), count: 5 << 20), offset: 1), letter(Array("not json".utf8), offset: 2)]
        try await connection.withTransaction { connection in
            try await sink.record(letters, on: connection)
            try await outbox.enqueue(letters.map(sink.producerMessage(for:)), on: connection)
        }
        let relay = OutboxRelay(
            outbox: outbox, connection: connection, producer: producer, retry: DatabaseRetry(logger: .quiet),
            metrics: WorkerMetrics(), logger: .quiet)
        #expect(try await relay.sendPending() == 2)
        #expect(try await outbox.count(on: connection) == 0)
        try await producer.close()
        let records = try await readAll(cluster, topic: "dead", expected: 1)
        #expect(records.map(\.value) == [Array("not json".utf8)])
        #expect(try await connection.query("SELECT count(*) FROM \(migrator.schema).rejected_transactions")[0][0, as: Int.self] == 2)
        try await connection.execute("DROP SCHEMA \(migrator.schema) CASCADE")
        await connection.close()
    }

    /// The records of `topic`, read until `expected` came and a second passed without more.
    private func readAll(_ cluster: EmbeddedKafkaCluster, topic: String, expected: Int) async throws -> [KafkaRecord] {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: cluster.brokerAddresses, groupID: "reader-\(topic)", topics: [topic])
        configuration.sessionTimeout = .seconds(6)
        let consumer = try KafkaConsumer(configuration: configuration)
        let received = Mutex<[KafkaRecord]>([])
        let reading = Task {
            for try await event in consumer.events {
                if case .records(let batch) = event { received.withLock { $0 += batch.records } }
            }
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while received.withLock({ $0.count }) < expected, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .seconds(1))
        await consumer.close()
        try await reading.value
        return received.withLock { $0 }
    }
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
