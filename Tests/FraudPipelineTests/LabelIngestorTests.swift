import Foundation
import FraudCore
import FraudPipeline
import Kafka
import Postgres
import Synchronization
import TestSupport
import Testing

@Suite("Labels from Kafka into PostgreSQL")
struct LabelIngestorTests {
    @Test("the latest label by label time wins, corrections included; malformed labels and one from the future are kept with their reason")
    func latestLabelWins() async throws {
        let cluster = try EmbeddedKafkaCluster(topics: ["labels": 2])
        defer { cluster.shutdown() }
        let connection = try await TestDatabase.connect()
        let migrator = try SchemaMigrator(schema: TestDatabase.uniqueName("labels"))
        try await migrator.migrate(connection)

        let start: Int64 = 1_767_225_600_000
        var messages: [KafkaProducerMessage] = []
        func label(_ id: Int, fraud: Bool, at minutes: Int64) -> KafkaProducerMessage {
            let label = Label(id: "T\(id)", isFraud: fraud, fraudType: fraud ? "cash_out" : nil, labeledAt: EventTime(millisecondsSinceEpoch: start + minutes * 60_000))
            return KafkaProducerMessage(topic: "labels", key: Array(label.id.utf8), value: label.jsonBytes)
        }
        for id in 0..<200 { messages.append(label(id, fraud: false, at: 0)) }
        for id in 0..<20 { messages.append(label(id, fraud: true, at: 60)) }  // corrections
        messages.append(label(50, fraud: true, at: 120))  // a newer label arriving first...
        messages.append(label(50, fraud: false, at: 90))  // ...then an older one, which must not win
        let malformed: [[UInt8]] = [Array("{\"id\":\"T999\"}".utf8), Array("not json".utf8), [0xFF, 0xFE]]
        for bytes in malformed { messages.append(KafkaProducerMessage(topic: "labels", key: Array("bad".utf8), value: bytes)) }
        // A day ahead of its record's timestamp (now): it would win every later correction.
        let future = Label(id: "T300", isFraud: true, fraudType: "cash_out", labeledAt: EventTime(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000) + 86_400_000))
        messages.append(KafkaProducerMessage(topic: "labels", key: Array(future.id.utf8), value: future.jsonBytes))
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: cluster.brokerAddresses))
        for message in messages { try await producer.sendWithoutWaiting(message) }
        try await producer.close()

        var configuration = KafkaConsumerConfiguration(bootstrapServers: cluster.brokerAddresses, groupID: "labels", topics: ["labels"])
        configuration.sessionTimeout = .seconds(6)
        let consumer = try KafkaConsumer(configuration: configuration)
        let ingestor = LabelIngestor(consumer: consumer, connection: connection, schema: migrator.schema)
        let seen = ProgressBox()
        let running = Task { try await ingestor.run { progress in seen.value.withLock { $0 = progress } } }
        let expected = messages.count - malformed.count - 1
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while seen.value.withLock({ $0.labels + $0.rejected }) < messages.count, clock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        await consumer.close()
        try await running.value
        #expect(seen.value.withLock { $0.labels } == expected)
        #expect(seen.value.withLock { $0.rejected } == malformed.count + 1)

        let schema = migrator.schema
        let counts = try await connection.query("SELECT count(*), count(*) FILTER (WHERE is_fraud) FROM \(schema).labels")
        #expect(try counts[0][0, as: Int.self] == 200)
        #expect(try counts[0][1, as: Int.self] == 21)
        let fifty = try await connection.query("SELECT is_fraud, fraud_type FROM \(schema).labels WHERE transaction_id = 'T50'")
        #expect(try fifty[0][0, as: Bool.self] == true)
        #expect(try fifty[0][1, as: String?.self] == "cash_out")
        let rejects = try await connection.query("SELECT reason_code, reason, payload FROM \(schema).rejected_transactions ORDER BY reason_code")
        #expect(try rejects.map { try $0[0, as: String.self] } == ["invalid_utf8", "malformed_json", "missing_field", "timestamp_out_of_range"])
        #expect(try rejects[2][1, as: String.self] == "missing field \"is_fraud\"; required fields are id, is_fraud, labeled_at")
        #expect(try rejects[3][1, as: String.self].contains("more than the allowed clock skew of 300 s"))
        #expect(try Set(rejects.map { try $0[2, as: [UInt8].self] }) == Set(malformed + [future.jsonBytes]))

        try await connection.execute("DROP SCHEMA \(schema) CASCADE")
        await connection.close()
    }
}

/// Progress reports shared between the ingestor's task and the test.
final class ProgressBox: Sendable {
    let value = Mutex(LabelIngestor.Progress())
}
