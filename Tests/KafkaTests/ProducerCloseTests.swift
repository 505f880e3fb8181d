import Kafka
import Logging
import Synchronization
import Testing

@Suite("Closing a producer")
struct ProducerCloseTests {
    @Test("when close's flush times out, a sender still awaiting its delivery report gets an error instead of hanging")
    func pendingSendersFailAtClose() async throws {
        // No broker listens there: the record stays queued for its whole delivery timeout.
        var configuration = KafkaProducerConfiguration(bootstrapServers: ["127.0.0.1:1"])
        configuration.deliveryTimeout = .seconds(300)
        let producer = try KafkaProducer(configuration: configuration, logger: .init(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let outcome = Mutex<String?>(nil)
        let sender = Task {
            do {
                _ = try await producer.send(KafkaProducerMessage(topic: "nowhere", value: Array("x".utf8)))
                outcome.withLock { $0 = "delivered" }
            } catch {
                outcome.withLock { $0 = "\(error)" }
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        await #expect(throws: KafkaError.self) { try await producer.close(timeout: .seconds(1)) }
        // The sender must be told within a few seconds, not after the 300 s delivery timeout.
        let deadline = ContinuousClock.now + .seconds(10)
        while outcome.withLock({ $0 }) == nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let told = outcome.withLock { $0 }
        #expect(told != nil && told != "delivered", "the sender was not told: \(told ?? "still waiting")")
        if told == nil { sender.cancel() }
        // A send after close fails at once.
        await #expect(throws: KafkaError.self) { try await producer.send(KafkaProducerMessage(topic: "nowhere", value: [1])) }
    }
}
