import Kafka
import Synchronization

/// Book-keeping for taking over partitions without blocking librdkafka's poll thread: the
/// rebalance listener assigns partitions ``Kafka/KafkaStartOffset/held`` and restores them in a
/// task; this object says whether a partition is still this worker's by the time its restore
/// finishes, runs the restores one after another (they share one connection), and starts the
/// partition in the consumer.
///
/// Every assignment and revocation of a partition moves its generation on; a restore acts on a
/// partition only while the generation it began with is current.
final class PartitionTakeover: Sendable {
    private struct State {
        /// Weak: the consumer holds its rebalance listener, which holds this object; a strong
        /// reference back would keep the consumer, and its librdkafka client, alive after
        /// ``KafkaConsumer/close()``, still connecting to brokers that may be gone.
        weak var consumer: KafkaConsumer?
        var generations: [Int32: Int] = [:]
        var last: Task<Void, Never>?
        var tasks: [Int: Task<Void, Never>] = [:]
        var nextTask = 0
        var cancelled = false
    }
    private let state = Mutex(State())

    init() {}

    /// The consumer to start partitions in; set once it exists (it is created with the listener).
    /// Held weakly: whoever created it keeps it.
    func attach(_ consumer: KafkaConsumer) {
        state.withLock { $0.consumer = consumer }
    }

    /// The consumer, once attached.
    var consumer: KafkaConsumer? {
        state.withLock { $0.consumer }
    }

    /// Records an assignment and returns the generation each partition's restore must hold.
    func assign(_ partitions: [Int32]) -> [Int32: Int] {
        state.withLock { state in
            var tickets: [Int32: Int] = [:]
            for partition in partitions {
                let generation = state.generations[partition, default: 0] + 1
                state.generations[partition] = generation
                tickets[partition] = generation
            }
            return tickets
        }
    }

    /// Records a revocation: restores still running for `partitions` leave them alone.
    func revoke(_ partitions: [Int32]) {
        state.withLock { state in
            for partition in partitions { state.generations[partition, default: 0] += 1 }
        }
    }

    /// Whether `partition` still has generation `ticket`.
    func isCurrent(_ partition: Int32, _ ticket: Int) -> Bool {
        state.withLock { !$0.cancelled && $0.generations[partition] == ticket }
    }

    /// Runs `body` if `partition` still has generation `ticket`, under the lock, so that no
    /// revocation falls between the check and the action.
    @discardableResult
    func ifCurrent(_ partition: Int32, _ ticket: Int, _ body: () -> Void) -> Bool {
        state.withLock { state in
            guard !state.cancelled, state.generations[partition] == ticket else { return false }
            body()
            return true
        }
    }

    /// Starts a restored partition in the consumer at `offset`, if it is still this restore's.
    func start(_ partition: KafkaTopicPartition, at offset: Int64, ticket: Int) {
        state.withLock { state in
            guard !state.cancelled, state.generations[partition.partition] == ticket else { return }
            state.consumer?.start(partition, at: offset)
        }
    }

    /// Runs `work` after every restore enqueued before it.
    func enqueue(_ work: @escaping @Sendable () async -> Void) {
        state.withLock { state in
            guard !state.cancelled else { return }
            let previous = state.last
            let id = state.nextTask
            state.nextTask += 1
            let task = Task {
                await previous?.value
                if !Task.isCancelled { await work() }
                self.state.withLock { _ = $0.tasks.removeValue(forKey: id) }
            }
            state.tasks[id] = task
            state.last = task
        }
    }

    /// Cancels every restore: the worker is stopping.
    func cancelAll() {
        let tasks = state.withLock { state in
            state.cancelled = true
            return Array(state.tasks.values)
        }
        for task in tasks { task.cancel() }
    }
}
