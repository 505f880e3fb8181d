import Foundation
import FraudPipeline
import Generator
import Kafka
import Postgres
import TestSupport
import Testing

@Suite("Alerts and dead letters leave through the outbox")
struct WorkerOutboxTests {
    @Test("while the broker refuses every produce request, rows and offsets still commit and the alerts wait in the outbox; once it accepts again they go out, one per flagged row")
    func writesDoNotWaitForKafka() async throws {
        let cluster = try EmbeddedKafkaCluster()
        defer { cluster.shutdown() }
        try cluster.createTopic("transactions", partitions: 2)
        let generated = try await GeneratorRun.run(options: generatorOptions(
            cluster: cluster, topic: "transactions", partitions: 2, count: 3_000, seed: 71, rate: nil), logger: .quiet)
        // From now on produce requests fail with a retriable error (NOT_ENOUGH_REPLICAS) for a
        // while: librdkafka retries each about every 100 ms, so 300 of them last 30 s or more, longer than the wait for the commit below.
        cluster.failRequests(apiKey: 0, with: Array(repeating: 19, count: 300))

        let schema = TestDatabase.uniqueName("outbox")
        let worker = try WorkerProcess(
            brokers: cluster.bootstrapServers, databaseURL: try TestDatabase.url(), schema: schema, group: "outbox",
            arguments: ["--labels-topic", "none"])
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        let committed = try await eventually(timeout: .seconds(15)) {
            await writtenOffsets(schema: schema, group: "outbox", topic: "transactions", on: connection) == Int64(generated.transactions)
        }
        #expect(committed, "rows and offsets did not commit while Kafka refused the alerts; log:\n\(worker.log.suffix(3000))")
        let flagged = try await connection.query("SELECT count(*) FROM \(schema).scored_transactions WHERE flagged")[0][0, as: Int.self]
        try #require(flagged > 0, "nothing was flagged: the test shows nothing")
        let waiting = try await Outbox(schema: schema).count(on: connection)
        #expect(waiting > 0, "the alerts had already gone out: the broker's refusals ended too soon for the test")

        let drained = try await eventually(timeout: .seconds(90)) {
            (try? await Outbox(schema: schema).count(on: connection)) == 0
        }
        #expect(drained, "the outbox still holds alerts after the broker accepts again; log:\n\(worker.log.suffix(3000))")
        let alerts = try await readTopic(cluster: cluster, topic: "fraud_alerts", expected: flagged, idle: .seconds(5))
        #expect(alerts.count == flagged, "\(alerts.count) alerts for \(flagged) flagged rows")
        print("outbox: \(waiting) of \(flagged) alerts waited in the outbox while every row was already committed")
        #expect(worker.terminate().status == 0)
    }
}
