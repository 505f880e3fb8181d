import Kafka
import Logging
import Synchronization

/// Commits the group's offsets to Kafka after PostgreSQL has them, at most once per interval.
///
/// These commits are advisory: they let Kafka tools show the group's lag. Where to resume is
/// read from PostgreSQL, so a commit that fails (for example just after a rebalance) is only
/// logged at debug level.
final class OffsetCommitter: Sendable {
    private let consumer: KafkaConsumer
    private let logger: Logger
    private let pending = Mutex<[KafkaTopicPartition: Int64]>([:])

    init(consumer: KafkaConsumer, logger: Logger) {
        self.consumer = consumer
        self.logger = logger
    }

    /// Notes offsets that PostgreSQL has committed.
    func record(_ offsets: [Int32: Int64], topic: String) {
        pending.withLock { pending in
            for (partition, offset) in offsets {
                let key = KafkaTopicPartition(topic: topic, partition: partition)
                pending[key] = max(pending[key] ?? offset, offset)
            }
        }
    }

    /// Commits the noted offsets of `partitions` now (before they are released).
    func commitNow(partitions: [Int32], topic: String) async {
        let keys = Set(partitions.map { KafkaTopicPartition(topic: topic, partition: $0) })
        let offsets = pending.withLock { pending in
            var taken: [KafkaTopicPartition: Int64] = [:]
            for key in keys { taken[key] = pending.removeValue(forKey: key) }
            return taken
        }
        await commit(offsets)
    }

    /// Commits what was noted every `interval` until cancelled, then once more.
    func run(every interval: Duration) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            await commit(pending.withLock { pending in
                defer { pending = [:] }
                return pending
            })
        }
    }

    private func commit(_ offsets: [KafkaTopicPartition: Int64]) async {
        guard !offsets.isEmpty else { return }
        do {
            try await consumer.commit(offsets)
        } catch {
            logger.debug("advisory Kafka commit failed; PostgreSQL holds the progress", metadata: ["error": "\(error)"])
        }
    }
}
