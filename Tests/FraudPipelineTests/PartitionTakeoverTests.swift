import Kafka
import Testing
@testable import FraudPipeline

@Suite("Partition takeover book-keeping")
struct PartitionTakeoverTests {
    /// A rebalance listener that keeps the takeover, as the worker's does.
    struct Listener: KafkaRebalanceListener {
        let takeover: PartitionTakeover
    }

    @Test("a closed consumer whose listener keeps the takeover is released, so its client stops connecting")
    func closedConsumerIsReleased() async throws {
        let cluster = try EmbeddedKafkaCluster(topics: ["transactions": 2])
        defer { cluster.shutdown() }
        let takeover = PartitionTakeover()
        var configuration = KafkaConsumerConfiguration(bootstrapServers: cluster.bootstrapServers.split(separator: ",").map(String.init), groupID: "takeover", topics: ["transactions"])
        configuration.sessionTimeout = .seconds(6)
        var consumer: KafkaConsumer? = try KafkaConsumer(configuration: configuration, listener: Listener(takeover: takeover))
        weak let released = consumer
        takeover.attach(consumer!)
        #expect(takeover.consumer != nil)
        await consumer?.close()
        consumer = nil
        // The poll thread lets go of it as it ends.
        let deadline = ContinuousClock.now + .seconds(10)
        while released != nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(released == nil, "the consumer outlived its close: the takeover keeps it")
        #expect(takeover.consumer == nil)
    }
}
