import FraudPipeline
import Foundation
import Generator
import Kafka
import Postgres
import TestSupport
import Testing

@Suite("Publication errors that no retry can fix")
struct WorkerPublicationErrorTests {
    @Test("a dead letter the broker refuses for good (topic authorization failed) stops the worker with what to create or grant, instead of retrying forever; the batch is committed and its dead letter waits in the outbox")
    func deniedTopicStopsTheWorker() async throws {
        let cluster = try EmbeddedKafkaCluster()
        defer { cluster.shutdown() }
        try cluster.createTopic("transactions", partitions: 1)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: cluster.brokerAddresses))
        _ = try await producer.send(KafkaProducerMessage(topic: "transactions", value: Array("not json".utf8)))
        try await producer.close()
        // Every produce request from now on is refused: the worker's dead letter cannot go out.
        cluster.failRequests(apiKey: 0, with: Array(repeating: 29, count: 1_000))  // TOPIC_AUTHORIZATION_FAILED

        let schema = TestDatabase.uniqueName("denied")
        let worker = try WorkerProcess(
            brokers: cluster.bootstrapServers, databaseURL: try TestDatabase.url(), schema: schema, group: "denied",
            arguments: ["--labels-topic", "none"])
        let exited = try await eventually(timeout: .seconds(60)) { !worker.process.isRunning }
        #expect(exited, "the worker still retries; its log:\n\(worker.log.suffix(3000))")
        if exited {
            #expect(worker.process.terminationStatus != 0)
            #expect(worker.log.contains("retrying cannot help") && worker.log.contains("grant this worker WRITE"), "log:\n\(worker.log.suffix(3000))")
        } else {
            worker.kill()
        }
        // No database transaction waited for Kafka: the batch is committed, the reject recorded,
        // and its dead letter is kept in the outbox for the next start.
        let connection = try await TestDatabase.connect()
        let offsets = try await OffsetStore(schema: schema).nextOffsets(group: "denied", topic: "transactions", on: connection)
        #expect(offsets[0] == 1)
        #expect(try await connection.query("SELECT count(*) FROM \(schema).rejected_transactions")[0][0, as: Int.self] == 1)
        #expect(try await Outbox(schema: schema).count(on: connection) == 1)
        await connection.close()
    }
}
