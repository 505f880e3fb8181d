import Foundation
import FraudCore
import FraudPipeline
import Kafka
import Postgres
import TestSupport
import Testing

@Suite("fraudstream worker over logs cut by retention", .serialized)
struct WorkerRetentionTests {
    /// A valid transaction padded to about 4 KB (unknown fields are ignored), so that a few
    /// thousand of them overflow the embedded broker's 5 MiB per partition.
    static func paddedTransaction(partition: Int, index: Int) -> [UInt8] {
        let padding = String(repeating: "p", count: 4_000)
        let time = EventTime(millisecondsSinceEpoch: 1_767_268_800_000 + Int64(index) * 1_000)
        let json = #"{"padding":"\#(padding)","id":"ret-\#(partition)-\#(index)","timestamp":"\#(time)","type":"PAYMENT","amount":\#(10 + index % 50).5,"#
            + #""account_from":"C\#(partition)\#(index % 20)","old_balance_from":1000.0,"new_balance_from":989.5,"account_to":"M\#(index % 7)","old_balance_to":0.0,"new_balance_to":0.0}"#
        return Array(json.utf8)
    }

    @Test("records deleted before the worker read them: an error naming the partition and the count, fraudstream_records_lost_to_retention_total equal to it; a deleted stretch below the committed offset is only a warning and counts nothing")
    func retentionGaps() async throws {
        let cluster = try EmbeddedKafkaCluster()
        defer { cluster.shutdown() }
        try cluster.createTopic("transactions", partitions: 2)
        let perPartition = 2_400
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: cluster.brokerAddresses))
        for index in 0..<perPartition {
            for partition in 0..<2 {
                try await producer.sendWithoutWaiting(KafkaProducerMessage(
                    topic: "transactions", partition: Int32(partition), key: Array("C\(partition)\(index % 20)".utf8),
                    value: Self.paddedTransaction(partition: partition, index: index)))
            }
        }
        try await producer.close()

        // Where each log starts now; both must have lost their beginning.
        var probeConfiguration = KafkaConsumerConfiguration(bootstrapServers: cluster.brokerAddresses, groupID: "probe-\(UUID())", topics: ["transactions"])
        probeConfiguration.sessionTimeout = .seconds(6)
        let probe = try KafkaConsumer(configuration: probeConfiguration)
        let logs = [
            try await probe.logRange(of: KafkaTopicPartition(topic: "transactions", partition: 0)),
            try await probe.logRange(of: KafkaTopicPartition(topic: "transactions", partition: 1)),
        ]
        await probe.close()
        try #require(logs.allSatisfy { $0.lowerBound > 100 && $0.upperBound == Int64(perPartition) }, "retention did not cut the logs: \(logs)")

        // Partition 0 was scored up to beyond its new log start before (its committed offset), with
        // no checkpoint: rebuilding its state from offset 0 meets the gap below the committed offset.
        let url = try TestDatabase.url()
        let schema = TestDatabase.uniqueName("retention")
        let database = ["--database-url", url, "--schema", schema]
        let migrated = try CommandLineRunner.run(["migrate"] + database)
        try #require(migrated.status == 0, "\(migrated.standardError)")
        let committed = logs[0].lowerBound + 100
        let reset = try CommandLineRunner.run(
            ["offsets", "reset", "--partition", "0", "--to-offset", "\(committed)", "--group", "retention", "--topic", "transactions"] + database)
        try #require(reset.status == 0, "\(reset.standardError)")

        let worker = try WorkerProcess(brokers: cluster.bootstrapServers, databaseURL: url, schema: schema, group: "retention", arguments: ["--labels-topic", "none"])
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        let done = try await eventually(timeout: .seconds(90)) {
            (try? await OffsetStore(schema: schema).nextOffsets(group: "retention", topic: "transactions", on: connection)) == [0: Int64(perPartition), 1: Int64(perPartition)]
        }
        try #require(done, "the worker did not reach the ends of the logs; its log:\n\(worker.log.suffix(3000))")

        #expect(try await connection.query("SELECT count(*) FROM \(schema).rejected_transactions")[0][0, as: Int.self] == 0)
        // Partition 0: scored from its committed offset on. Partition 1: from its log start.
        var offsets: [Int32: [Int64]] = [:]
        for row in try await connection.query("SELECT kafka_partition, kafka_offset FROM \(schema).scored_transactions ORDER BY 1, 2") {
            offsets[try row[0, as: Int32.self], default: []].append(try row[1, as: Int64.self])
        }
        #expect(offsets[0] == Array(committed..<Int64(perPartition)), "partition 0 rows from \(offsets[0]?.first ?? -1)")
        #expect(offsets[1] == Array(logs[1].lowerBound..<Int64(perPartition)), "partition 1 rows from \(offsets[1]?.first ?? -1)")

        let metrics = try PrometheusSamples(parsing: try await httpGet("http://127.0.0.1:\(try await worker.httpPort())/metrics").body)
        #expect(metrics.value("fraudstream_records_lost_to_retention_total") == Double(logs[1].lowerBound),
                "lost to retention: \(metrics.value("fraudstream_records_lost_to_retention_total") ?? -1); partition 1 lost \(logs[1].lowerBound)")

        let log = worker.log
        let lost = log.lines(containing: "records were deleted by retention before this worker scored them")
        #expect(lost.count == 1 && lost.allSatisfy { $0.contains("partition=1") && $0.contains("lostRecords=\(logs[1].lowerBound)") && $0.contains("error") },
                "the error for partition 1: \(lost)")
        let rebuild = log.lines(containing: "the start of the state rebuild was deleted by retention")
        #expect(rebuild.count == 1 && rebuild.allSatisfy { $0.contains("partition=0") && $0.contains("warning") }, "the warning for partition 0: \(rebuild)")
        #expect(worker.terminate().status == 0)
        try await connection.execute("DROP SCHEMA \(schema) CASCADE")
    }
}
