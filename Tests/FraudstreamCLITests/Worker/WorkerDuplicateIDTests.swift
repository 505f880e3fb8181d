import FraudPipeline
import Generator
import Foundation
import Kafka
import Postgres
import TestSupport
import Testing

@Suite("A transaction id seen twice")
struct WorkerDuplicateIDTests {
    @Test("every transaction produced twice (another offset, same bytes): one row and at most one alert per id, every second copy in duplicate_transactions")
    func secondCopiesAreNeitherStoredNorAlerted() async throws {
        let partitions = 2
        let cluster = try EmbeddedKafkaCluster()
        defer { cluster.shutdown() }
        try cluster.createTopic("transactions", partitions: partitions)
        let generated = try await GeneratorRun.run(options: generatorOptions(
            cluster: cluster, topic: "transactions", partitions: partitions, count: 3_000, seed: 21, rate: nil), logger: .quiet)
        // A producer retrying without idempotence: the same records again, in the same partitions.
        let originals = try await WorkerTestStream.readAll(cluster: cluster, topic: "transactions", count: generated.transactions)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: cluster.brokerAddresses))
        for (partition, records) in originals {
            for record in records {
                try await producer.sendWithoutWaiting(KafkaProducerMessage(topic: "transactions", partition: partition, key: record.key, value: record.value))
            }
        }
        try await producer.close()

        let schema = TestDatabase.uniqueName("duplicates")
        let worker = try WorkerProcess(
            brokers: cluster.bootstrapServers, databaseURL: try TestDatabase.url(), schema: schema, group: "duplicates",
            arguments: ["--labels-topic", "none"])
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        let ends = Dictionary(uniqueKeysWithValues: originals.map { ($0.key, Int64($0.value.count * 2)) })
        let done = try await eventually(timeout: .seconds(120)) {
            (try? await OffsetStore(schema: schema).nextOffsets(group: "duplicates", topic: "transactions", on: connection)) == ends
        }
        #expect(done, "the worker did not reach the end; its log:\n\(worker.log.suffix(3000))")

        let counts = try await connection.query("""
            SELECT (SELECT count(*) FROM \(schema).scored_transactions),
                   (SELECT count(*) FROM \(schema).duplicate_transactions)
            """)
        #expect(try counts[0][0, as: Int.self] == generated.transactions)
        #expect(try counts[0][1, as: Int.self] == generated.transactions)
        let flagged = Set(try await connection.query("SELECT transaction_id FROM \(schema).scored_transactions WHERE flagged")
            .map { try $0[0, as: String.self] })
        #expect(!flagged.isEmpty, "nothing was flagged: the alert check means nothing")

        let alerts = try await readTopic(cluster: cluster, topic: "fraud_alerts", expected: flagged.count, idle: .seconds(5))
        var alerted: [String: Int] = [:]
        for alert in alerts {
            let object = try JSONSerialization.jsonObject(with: Data(alert.value)) as? [String: Any]
            let id = (object?["transaction"] as? [String: Any])?["id"] as? String ?? "?"
            alerted[id, default: 0] += 1
        }
        #expect(alerted.filter { $0.value > 1 }.isEmpty, "ids alerted more than once: \(alerted.filter { $0.value > 1 }.keys.prefix(5))")
        #expect(Set(alerted.keys) == flagged, "alerts for ids not flagged in the table, or flagged ids without an alert")
        _ = worker.terminate()
    }
}
