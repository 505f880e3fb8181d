import Foundation
import FraudCore
import FraudPipeline
import Generator
import Kafka
import Postgres
import TestSupport
import Testing

@Suite("fraudstream worker settings on a real run", .serialized)
struct WorkerSettingsTests {
    /// One worker run that checks several documented settings at once (each worker run costs a
    /// group join): a flag beats its variable, a variable alone is read, `--alerts-topic none`
    /// publishes nothing, the allowed lateness reaches the features, the advisory Kafka commit
    /// runs about once a second, and nothing of a transaction or of the database password
    /// reaches the log, even at trace level.
    @Test("flags beat variables (--group, --alerts-topic none: no alert at all), FRAUDSTREAM_ALLOWED_LATENESS alone sets the features' lateness, Kafka's committed offsets catch up with PostgreSQL's within seconds without a stop, and the trace-level log holds no transaction field and no password")
    func settingsOnARun() async throws {
        let partitions = 4
        let cluster = try EmbeddedKafkaCluster()
        defer { cluster.shutdown() }
        try cluster.createTopic("transactions", partitions: partitions)
        // The alerts topic exists, so that reading it below finds it empty rather than failing.
        try cluster.createTopic("fraud_alerts", partitions: 1)
        let produced = try await GeneratorRun.run(options: generatorOptions(
            cluster: cluster, topic: "transactions", partitions: partitions, count: 6_000, seed: 61, rate: nil), logger: .quiet)
        let records = try await WorkerTestStream.readAll(cluster: cluster, topic: "transactions", count: produced.transactions)
        var lateness = FeatureConfiguration()
        lateness.allowedLateness = .milliseconds(500)
        let stream = try await WorkerTestStream.score(records, configuration: lateness)
        let withDefaults = try await WorkerTestStream.score(records)
        let differing = stream.expected.count { id, want in withDefaults.expected[id]?.features != want.features }
        #expect(differing > 0, "500 ms and 30 s of lateness give the same features on this stream: the check would mean nothing")

        // The password is ignored by the test server (trust), but it is in the URL the worker holds.
        let password = "s3cret-Pa55-\(UInt32.random(in: 1000...9999))"
        let url = try TestDatabase.url().replacingOccurrences(of: "://fraudstream@", with: "://fraudstream:\(password)@")
        try #require(url.contains(password))
        let schema = TestDatabase.uniqueName("settings")
        let worker = try WorkerProcess(
            brokers: cluster.bootstrapServers, databaseURL: url, schema: schema, group: "flag-group",
            arguments: ["--labels-topic", "none", "--alerts-topic", "none", "--log-level", "trace"],
            environment: [
                "FRAUDSTREAM_GROUP": "env-group", "FRAUDSTREAM_ALERTS_TOPIC": "fraud_alerts",
                "FRAUDSTREAM_ALLOWED_LATENESS": "500ms",
            ])
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        let done = try await eventually(timeout: .seconds(90)) {
            (try? await OffsetStore(schema: schema).nextOffsets(group: "flag-group", topic: "transactions", on: connection)) == stream.endOffsets
        }
        try #require(done, "the worker did not write everything under --group flag-group; its log:\n\(worker.log.suffix(3000))")
        try await stream.verify(schema: schema, group: "flag-group", topic: "transactions", on: connection)
        let envGroupRows = try await connection.query(
            "SELECT count(*) FROM \(schema).stream_offsets WHERE consumer_group = 'env-group'")[0][0, as: Int.self]
        #expect(envGroupRows == 0, "FRAUDSTREAM_GROUP won over --group")

        // The advisory commit: a few seconds idle, then SIGKILL, so no stop commits anything;
        // what Kafka holds for the group was committed while the worker ran.
        try await Task.sleep(for: .seconds(3))
        worker.kill()
        var readerConfiguration = KafkaConsumerConfiguration(bootstrapServers: cluster.brokerAddresses, groupID: "flag-group", topics: ["transactions"])
        readerConfiguration.sessionTimeout = .seconds(6)
        let reader = try KafkaConsumer(configuration: readerConfiguration)
        let topicPartitions = (0..<partitions).map { KafkaTopicPartition(topic: "transactions", partition: Int32($0)) }
        let kafkaOffsets = try await reader.committedOffsets(topicPartitions)
        await reader.close()
        #expect(Dictionary(uniqueKeysWithValues: kafkaOffsets.map { ($0.key.partition, $0.value) }) == stream.endOffsets,
                "Kafka's committed offsets \(kafkaOffsets.sorted { $0.key.partition < $1.key.partition }.map(\.value)) lag PostgreSQL's")

        // --alerts-topic none beat FRAUDSTREAM_ALERTS_TOPIC: flagged rows, and no alert anywhere.
        let flagged = try await connection.query("SELECT count(*) FROM \(schema).scored_transactions WHERE flagged")[0][0, as: Int.self]
        #expect(flagged > 0, "nothing flagged: the alerts check would mean nothing")
        let outbox = try await connection.query("SELECT count(*) FROM \(schema).outbox")[0][0, as: Int.self]
        #expect(outbox == 0)
        let alerts = try await readTopic(cluster: cluster, topic: "fraud_alerts", idle: .seconds(3), deadline: .seconds(10))
        #expect(alerts.isEmpty, "\(alerts.count) alerts published with --alerts-topic none")

        // Nothing of a transaction, and not the password, in the log at any level.
        let log = worker.log
        #expect(log.contains("batch scored"), "the log is not at trace level")
        #expect(!log.contains(password), "the database password is in the log")
        var leaked: [String] = []
        for partitionRecords in records.values {
            for record in partitionRecords {
                let transaction = try TransactionDecoder().decode(record.value)
                for field in [transaction.id, transaction.accountFrom, transaction.accountTo] where log.contains(field) {
                    leaked.append(field)
                }
            }
        }
        #expect(leaked.isEmpty, "transaction fields in the log: \(leaked.prefix(5))")
        try await connection.execute("DROP SCHEMA \(schema) CASCADE")
    }
}
