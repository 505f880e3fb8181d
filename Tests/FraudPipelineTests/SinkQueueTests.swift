import Synchronization
import Testing
@testable import FraudPipeline

@Suite("The sink queue's bounds")
struct SinkQueueTests {
    /// A replayed batch: no rows (an earlier run wrote them), maybe a checkpoint.
    static func replayed(offset: Int64, snapshotBytes: Int = 0) -> SinkItem {
        let processed = ProcessedBatch(partition: 0, scored: [], deadLetters: [], nextOffset: offset, flaggedCount: 0, lateCount: 0)
        let checkpoint = snapshotBytes == 0 ? nil : CheckpointDraft(partition: 0, snapshot: [UInt8](repeating: 7, count: snapshotBytes), stateOffset: offset, ownerEpoch: 1)
        return .batch(SinkBatch(processed: processed, recordTimestamps: [], consumed: 1_000, checkpoint: checkpoint, ownerEpoch: 1))
    }

    /// Pushes `items` from a task and says how many were queued once pushing stalls.
    static func pushedBeforeStalling(_ queue: SinkQueue, _ items: [SinkItem]) async throws -> (queued: Int, task: Task<Void, Never>) {
        let counter = Counter()
        let task = Task {
            for item in items {
                await queue.push(item)
                counter.value.add(1, ordering: .relaxed)
            }
        }
        var last = -1
        while true {
            try await Task.sleep(for: .milliseconds(100))
            let now = counter.value.load(ordering: .relaxed)
            if now == last || now == items.count { return (now, task) }
            last = now
        }
    }

    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    @Test("replayed batches without rows stop at the item bound while the sink is stalled, and flow again when it takes")
    func zeroRowItemsAreBounded() async throws {
        let queue = SinkQueue(capacity: 20_000, maxItems: 64)
        let items = (0..<1_000).map { Self.replayed(offset: Int64($0)) }
        let (queued, task) = try await Self.pushedBeforeStalling(queue, items)
        #expect(queued == 64, "\(queued) zero-row items queued with a stalled sink")
        let taken = await queue.take(maxRows: 5_000, linger: .zero)
        #expect(taken?.count == 64)
        try await Task.sleep(for: .milliseconds(200))
        queue.finish()
        await task.value
    }

    @Test("checkpoints stop at the byte bound: a stalled sink holds at most the bound plus one snapshot")
    func checkpointBytesAreBounded() async throws {
        let queue = SinkQueue(capacity: 20_000, maxItems: 1_024, maxBytes: 8 << 20)
        let items = (0..<100).map { Self.replayed(offset: Int64($0), snapshotBytes: 1 << 20) }
        let (queued, task) = try await Self.pushedBeforeStalling(queue, items)
        #expect(queued == 8, "\(queued) one-MiB checkpoints queued with a stalled sink")
        queue.finish()
        await task.value
    }
}
