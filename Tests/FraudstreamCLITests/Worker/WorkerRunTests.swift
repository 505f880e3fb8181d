import Foundation
import FraudPipeline
import Kafka
import Postgres
import TestSupport
import Testing

@Suite("fraudstream worker end to end", .serialized)
struct WorkerRunTests {
    @Test("an uninterrupted worker writes each valid transaction once, with the reference features and scores, and rejects the broken ones")
    func uninterruptedRun() async throws {
        let cluster = try EmbeddedKafkaCluster()
        defer { cluster.shutdown() }
        let stream = try await WorkerTestStream.make(
            cluster: cluster, topic: "transactions", partitions: 4, count: 20_000, seed: 11,
            malformed: [Array("not json".utf8), Array(#"{"id":"x"}"#.utf8), [0xff, 0xfe]])
        let schema = TestDatabase.uniqueName("worker")
        let worker = try WorkerProcess(
            brokers: cluster.bootstrapServers, databaseURL: try TestDatabase.url(), schema: schema, group: "uninterrupted")
        let connection = try await TestDatabase.connect()
        let done = try await eventually(timeout: .seconds(120)) {
            guard let offsets = try? await OffsetStore(schema: schema).nextOffsets(group: "uninterrupted", topic: "transactions", on: connection)
            else { return false }
            return offsets == stream.endOffsets
        }
        #expect(done, "the worker did not reach the end of the partitions; its log:\n\(worker.log.suffix(3000))")
        let stopped = worker.terminate()
        #expect(stopped.status == 0, "exit status \(stopped.status); log:\n\(worker.log.suffix(3000))")
        try await stream.verify(schema: schema, group: "uninterrupted", topic: "transactions", on: connection)
        await connection.close()
    }
}
