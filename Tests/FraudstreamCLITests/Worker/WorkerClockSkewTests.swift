import FraudCore
import FraudPipeline
import Foundation
import Generator
import Kafka
import Postgres
import TestSupport
import Testing

@Suite("One bad clock")
struct WorkerClockSkewTests {
    @Test("an event time 500 years ahead, and a producer an hour fast, are rejected as timestamp_out_of_range; the partition's other transactions keep their history and are not late")
    func outliersDoNotDragTheWatermark() async throws {
        let cluster = try EmbeddedKafkaCluster()
        defer { cluster.shutdown() }
        try cluster.createTopic("staging", partitions: 1)
        try cluster.createTopic("transactions", partitions: 1)
        // 4,000 transactions of about 500 accounts, each record stamped with its event time, as
        // producers whose clocks are right stamp them.
        var options = try generatorOptions(cluster: cluster, topic: "staging", partitions: 1, count: 4_000, seed: 31, rate: nil)
        options.simulation.accounts = 500
        let generated = try await GeneratorRun.run(options: options, logger: .quiet)
        let records = try await WorkerTestStream.readAll(cluster: cluster, topic: "staging", count: generated.transactions)[0] ?? []
        #expect(records.count == 4_000)
        let decoder = TransactionDecoder()
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: cluster.brokerAddresses))
        var bad: [Int: String] = [:]  // index in the stream → what is wrong
        for (index, record) in records.enumerated() {
            let transaction = try decoder.decode(record.value)
            let recordTime = transaction.timestamp.millisecondsSinceEpoch
            var value = record.value
            if index == 2_000 {
                // An extra digit in the epoch milliseconds: the year 2530 or so.
                value = Self.replacingTimestamp(in: value, with: recordTime * 10)
                bad[index] = "year 2530"
            } else if index > 2_000, index % 10 == 0 {
                value = Self.replacingTimestamp(in: value, with: recordTime + 3_600_000)
                bad[index] = "an hour fast"
            }
            try await producer.sendWithoutWaiting(KafkaProducerMessage(
                topic: "transactions", key: record.key, value: value, timestampMillis: recordTime))
        }
        try await producer.close()

        let schema = TestDatabase.uniqueName("clockskew")
        let worker = try WorkerProcess(
            brokers: cluster.bootstrapServers, databaseURL: try TestDatabase.url(), schema: schema, group: "clockskew",
            arguments: ["--labels-topic", "none", "--alerts-topic", "none"])
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        let done = try await eventually(timeout: .seconds(120)) {
            (try? await OffsetStore(schema: schema).nextOffsets(group: "clockskew", topic: "transactions", on: connection)) == [0: 4_000]
        }
        #expect(done, "the worker did not reach the end; its log:\n\(worker.log.suffix(3000))")

        let rejected = try await connection.query(
            "SELECT kafka_offset, reason_code, reason FROM \(schema).rejected_transactions WHERE topic = 'transactions' ORDER BY kafka_offset")
        #expect(try rejected.map { Int(try $0[0, as: Int64.self]) } == bad.keys.sorted())
        #expect(try rejected.allSatisfy { try $0[1, as: String.self] == "timestamp_out_of_range" })
        #expect(try rejected.first?[2, as: String.self].contains("after the record's Kafka timestamp") == true)

        // features[7] is has_previous and features[35] late (1-based): compare the halves.
        let halves = try await connection.query("""
            SELECT kafka_offset > 2000, avg(features[7]), avg(features[35]), count(*)
            FROM \(schema).scored_transactions GROUP BY 1 ORDER BY 1
            """)
        let (before, after) = (try halves[0][1, as: Double.self], try halves[1][1, as: Double.self])
        #expect(before > 0.5, "accounts repeat within the stream: has_previous averages \(before) before the bad clocks")
        #expect(after >= before, "has_previous fell from \(before) to \(after) after the bad clocks")
        #expect(try halves[1][2, as: Double.self] == 0, "transactions became late after the bad clocks")
        _ = worker.terminate()
    }

    /// The message with its `timestamp` field set to `milliseconds` (as epoch milliseconds).
    static func replacingTimestamp(in message: [UInt8], with milliseconds: Int64) -> [UInt8] {
        var text = String(decoding: message, as: UTF8.self)
        let key = "\"timestamp\":"
        guard let start = text.range(of: key) else { return message }
        var end = start.upperBound
        if text[end] == "\"" {
            end = text.index(after: end)
            while text[end] != "\"" { end = text.index(after: end) }
            end = text.index(after: end)
        } else {
            while text[end].isNumber { end = text.index(after: end) }
        }
        text.replaceSubrange(start.upperBound..<end, with: String(milliseconds))
        return Array(text.utf8)
    }
}
