import Kafka
import Synchronization
import Testing

@Suite("Records lost to retention are reported, never skipped silently")
struct OffsetGapTests {
    @Test("a consumer whose next offset was removed gets a gap event, then no record of that partition for 2 s until it acknowledges the gap, then the rest")
    func gapIsReported() async throws {
        try await withEmbeddedCluster(topics: ["retained": 1]) { cluster in
            // About 9 MB into one partition: the embedded broker keeps about 5 MiB and drops the oldest.
            let payload = [UInt8](repeating: 0x62, count: 10_000)
            _ = try await produce(cluster, count: 900) { _ in KafkaProducerMessage(topic: "retained", value: payload) }

            let partition = KafkaTopicPartition(topic: "retained", partition: 0)
            let listener = RecordingListener(startOffsets: [partition: .offset(0)])
            let consumer = try KafkaConsumer(configuration: testConsumerConfiguration(cluster, group: "behind", topics: ["retained"]), listener: listener)
            let events = EventRecorder(consumer)
            let reported = try await eventually(timeout: .seconds(30)) { !events.all.isEmpty }
            guard reported, case .gap(let gap) = events.all[0] else {
                Issue.record("expected a gap event first, got \(events.all.first.map { "\($0)" } ?? "nothing")")
                await consumer.close()
                return
            }
            #expect(gap.topicPartition == partition)
            #expect(gap.requestedOffset == 0)
            #expect(gap.earliestAvailableOffset > 0)
            #expect(gap.latestAvailableOffset == 900)
            #expect(gap.lostOffsets == 0...(gap.earliestAvailableOffset - 1))
            #expect(gap.description.contains("were removed by retention"))

            // Unacknowledged, the partition stays stopped: 2 s is 200 fetch waits of 10 ms.
            try await Task.sleep(for: .seconds(2))
            #expect(events.all.count == 1, "events before the gap was acknowledged: \(events.all.dropFirst().prefix(3))")

            consumer.skipGap(gap)
            let resumed = try await eventually(timeout: .seconds(30)) { events.offsets.count >= 900 - Int(gap.earliestAvailableOffset) }
            #expect(resumed)
            #expect(events.offsets == Array(gap.earliestAvailableOffset..<900))
            await consumer.close()
        }
    }

    @Test("records fetched before a retention gap are handed over before the gap, so none of them is skipped with it")
    func recordsBeforeTheGapComeFirst() async throws {
        try await withEmbeddedCluster(topics: ["slow": 1]) { cluster in
            let payload = [UInt8](repeating: 0x63, count: 10_000)
            _ = try await produce(cluster, count: 300) { _ in KafkaProducerMessage(topic: "slow", value: payload) }
            // A slow reader: a small buffer, small batches, little prefetch.
            var configuration = testConsumerConfiguration(cluster, group: "slow", topics: ["slow"])
            configuration.maxBufferedBytesPerPartition = 512 * 1024
            configuration.prefetchKilobytes = 256
            configuration.maxBatchSize = 10
            let consumer = try KafkaConsumer(configuration: configuration)
            var iterator = consumer.events.makeAsyncIterator()
            var offsets: [Int64] = []
            guard case .records(let first) = try await iterator.next() else {
                Issue.record("expected records first")
                await consumer.close()
                return
            }
            offsets += first.records.map(\.offset)
            // Meanwhile 9 MB more arrive and retention deletes what the consumer has not fetched yet.
            _ = try await produce(cluster, count: 900) { _ in KafkaProducerMessage(topic: "slow", value: payload) }
            // Reading five more batches drains the buffer below its low watermark (half of 512 KB):
            // fetching resumes and hits the gap while ten records are still buffered; give the
            // gap time to be reported.
            for _ in 0..<5 {
                if case .records(let batch) = try await iterator.next() { offsets += batch.records.map(\.offset) }
            }
            try await Task.sleep(for: .seconds(2))
            var gap: KafkaOffsetGap?
            while gap == nil, let event = try await iterator.next() {
                switch event {
                case .records(let batch): offsets += batch.records.map(\.offset)
                case .gap(let reported): gap = reported
                }
            }
            let reported = try #require(gap)
            // Everything fetched before the gap was delivered, in order, with nothing missing.
            #expect(offsets == Array(0..<reported.requestedOffset), "delivered \(offsets.count) records before a gap at \(reported.requestedOffset)")
            #expect(reported.requestedOffset > 40, "the consumer had fetched records beyond the ones read")
            #expect(reported.lostOffsets.map { $0.lowerBound == reported.requestedOffset } == true)
            await consumer.close()
        }
    }
}

/// Reads a consumer's events in the background, for a test to look at while it waits.
private final class EventRecorder: Sendable {
    private let events = Mutex<[KafkaConsumerEvent]>([])

    init(_ consumer: KafkaConsumer) {
        Task { [self] in
            for try await event in consumer.events {
                self.events.withLock { $0.append(event) }
            }
        }
    }

    var all: [KafkaConsumerEvent] { events.withLock { $0 } }

    /// The offsets of the records received, in order.
    var offsets: [Int64] {
        all.flatMap { event -> [Int64] in
            if case .records(let batch) = event { batch.records.map(\.offset) } else { [] }
        }
    }
}
