@testable import Kafka
import Testing

@Suite("Pausing, resuming and bounded buffering")
struct FlowControlTests {
    @Test("a paused partition stops delivering while others flow; resuming delivers the rest")
    func pauseAndResume() async throws {
        try await withEmbeddedCluster(topics: ["flow": 3]) { cluster in
            let paused = KafkaTopicPartition(topic: "flow", partition: 0)
            let consumer = try KafkaConsumer(configuration: testConsumerConfiguration(cluster, group: "flow", topics: ["flow"]))
            #expect(try await eventually { consumer.assignment.count == 3 })
            consumer.pause([paused])
            _ = try await produce(cluster, count: 300) { index in
                KafkaProducerMessage(topic: "flow", partition: Int32(index % 3), value: Array("\(index)".utf8))
            }
            let flowing = try await collect(from: consumer) { $0.count >= 200 }
            #expect(flowing.count == 200)
            #expect(!flowing.contains { $0.topicPartition == paused })
            // Nothing more arrives while the partition is paused.
            let quiet = try await collect(from: consumer, timeout: .seconds(1), timeoutIsExpected: true) { _ in false }
            #expect(quiet.isEmpty)

            consumer.resume([paused])
            let rest = try await collect(from: consumer) { $0.count >= 100 }
            #expect(rest.count == 100)
            #expect(rest.allSatisfy { $0.topicPartition == paused })
            #expect(rest.map(\.offset) == Array(0..<100))
            await consumer.close()
        }
    }

    @Test("memory stays bounded while nobody reads: the consumer does not buffer the whole topic")
    func bufferIsBounded() async throws {
        try await withEmbeddedCluster(topics: ["big": 1]) { cluster in
            let payload = [UInt8](repeating: 0x61, count: 2000)
            let count = 2000  // 4 MB, within the embedded broker's 5 MiB retention
            _ = try await produce(cluster, count: count) { _ in KafkaProducerMessage(topic: "big", value: payload) }

            var configuration = testConsumerConfiguration(cluster, group: "lazy", topics: ["big"])
            configuration.maxBufferedBytesPerPartition = 128 * 1024
            configuration.prefetchKilobytes = 256
            configuration.maxBatchSize = 100
            let consumer = try KafkaConsumer(configuration: configuration)
            #expect(try await eventually { consumer.state.withLock { $0.buffer.bufferedBytes } >= 128 * 1024 })
            try await Task.sleep(for: .seconds(1))
            let buffered = consumer.state.withLock { $0.buffer.bufferedBytes }
            // The high watermark plus at most one poll of 100 records; far below the topic's 4 MB.
            #expect(buffered <= 128 * 1024 + 100 * 2100, "buffered \(buffered) bytes")
            #expect(consumer.lag()[KafkaTopicPartition(topic: "big", partition: 0)] == Int64(count))

            // Reading drains the buffer and fetching resumes until everything has arrived.
            let records = try await collect(from: consumer) { $0.count >= count }
            #expect(records.count == count)
            #expect(records.map(\.offset) == Array(0..<Int64(count)))
            await consumer.close()
        }
    }

    @Test("a partition paused when it was revoked fetches again when it is assigned again")
    func pauseDoesNotOutliveTheAssignment() async throws {
        try await withEmbeddedCluster(topics: ["moving": 2]) { cluster in
            let payload = [UInt8](repeating: 0x62, count: 1000)
            _ = try await produce(cluster, count: 400) { index in
                KafkaProducerMessage(topic: "moving", partition: Int32(index % 2), value: payload)
            }
            // Nobody reads A, so its small buffers fill and flow control pauses both partitions
            // in librdkafka.
            var configuration = testConsumerConfiguration(cluster, group: "movers", topics: ["moving"])
            configuration.maxBufferedBytesPerPartition = 16 * 1024
            configuration.maxBatchSize = 10
            let consumerA = try KafkaConsumer(configuration: configuration)
            #expect(try await eventually {
                consumerA.state.withLock { state in
                    state.buffer.partitions.count == 2 && state.buffer.partitions.values.allSatisfy(\.pausedInClient)
                }
            })
            try await Task.sleep(for: .milliseconds(300))

            // B joins: A's partitions are revoked (their buffers dropped) and one is assigned to
            // A again, from the start, with a fresh buffer that must fill again.
            let consumerB = try KafkaConsumer(configuration: testConsumerConfiguration(cluster, group: "movers", topics: ["moving"]))
            #expect(try await eventually { consumerA.assignment.count == 1 && consumerB.assignment.count == 1 })
            let kept = try #require(consumerA.assignment.first)
            let records = try await collect(from: consumerA, timeout: .seconds(20)) { $0.count >= 200 }
            #expect(records.count == 200, "A received \(records.count) of the 200 records of \(kept)")
            #expect(records.allSatisfy { $0.topicPartition == kept })
            await consumerB.close()
            await consumerA.close()
        }
    }
}
