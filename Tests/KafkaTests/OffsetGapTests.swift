import Kafka
import Testing

@Suite("Records lost to retention are reported, never skipped silently")
struct OffsetGapTests {
    @Test("a consumer whose next offset was removed gets a gap event, and resumes only when it acknowledges it")
    func gapIsReported() async throws {
        try await withEmbeddedCluster(topics: ["retained": 1]) { cluster in
            // About 9 MB into one partition: the embedded broker keeps about 5 MiB and drops the oldest.
            let payload = [UInt8](repeating: 0x62, count: 10_000)
            _ = try await produce(cluster, count: 900) { _ in KafkaProducerMessage(topic: "retained", value: payload) }

            let partition = KafkaTopicPartition(topic: "retained", partition: 0)
            let listener = RecordingListener(startOffsets: [partition: .offset(0)])
            let consumer = try KafkaConsumer(configuration: testConsumerConfiguration(cluster, group: "behind", topics: ["retained"]), listener: listener)
            var iterator = consumer.events.makeAsyncIterator()
            guard case .gap(let gap) = try await iterator.next() else {
                Issue.record("expected a gap event first")
                await consumer.close()
                return
            }
            #expect(gap.topicPartition == partition)
            #expect(gap.requestedOffset == 0)
            #expect(gap.earliestAvailableOffset > 0)
            #expect(gap.latestAvailableOffset == 900)
            #expect(gap.lostOffsets == 0...(gap.earliestAvailableOffset - 1))
            #expect(gap.description.contains("were removed by retention"))

            consumer.skipGap(gap)
            var offsets: [Int64] = []
            while offsets.count < 900 - Int(gap.earliestAvailableOffset), let event = try await iterator.next() {
                if case .records(let batch) = event { offsets += batch.records.map(\.offset) }
            }
            #expect(offsets == Array(gap.earliestAvailableOffset..<900))
            await consumer.close()
        }
    }
}
