import CRdKafka
import Foundation
import Logging
import Synchronization
import Threading

/// A consumer-group member that hands records over in per-partition batches, lets its owner
/// place and commit offsets, and reports records lost to retention instead of skipping them.
///
/// Read ``events`` with `for try await`: it yields ``KafkaConsumerEvent/records(_:)`` batches
/// and ``KafkaConsumerEvent/gap(_:)`` reports. Assignments and revocations go to the
/// ``KafkaRebalanceListener`` before the consumer acts on them.
///
/// Memory is bounded: each partition buffers at most
/// ``KafkaConsumerConfiguration/maxBufferedBytesPerPartition`` of undelivered records; beyond
/// that the partition is paused in librdkafka (which keeps polling, so group membership and
/// rebalances go on) and resumed once the reader has drained half of it.
///
/// - Important: librdkafka is polled on a thread the consumer owns, and blocking calls
///   (commits, seeks, offset look-ups) run on a second one; the cooperative pool never blocks.
///   ``events`` supports one reader at a time. Call ``close()`` when done: it leaves the group
///   (revoking the assignment through the listener) and ends ``events``.
public final class KafkaConsumer: Sendable {
    let client: RDKafkaClient
    nonisolated(unsafe) let queue: OpaquePointer
    let configuration: KafkaConsumerConfiguration
    let listener: (any KafkaRebalanceListener)?
    let blocking = DedicatedThread(name: "kafka-consumer-calls") { KafkaError.closedClient }
    /// Reads paused partitions' log ends for ``lag()`` (librdkafka learns log ends from fetches,
    /// which stop while a partition is paused), apart from ``blocking`` so that a broker slow to
    /// answer never delays a commit or a seek.
    let logEnds = DedicatedThread(name: "kafka-consumer-log-ends") { KafkaError.closedClient }
    let state: Mutex<State>
    let running = RunFlag()

    struct State: ~Copyable {
        var buffer: Buffer
        var reader: CheckedContinuation<KafkaConsumerEvent?, any Error>?
        var finished = false
        var failure: KafkaError?
        /// Callers of ``close()`` waiting for the poll thread to finish.
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
        var isClosed = false
        /// A read of paused partitions' log ends is queued or running on ``logEnds``.
        var logEndReadInFlight = false
    }

    /// Creates a consumer, subscribes it to the configured topics and starts polling.
    ///
    /// - Parameters:
    ///   - listener: told about assignments (choosing start offsets) and revocations (finishing
    ///     work) before the consumer acts on them; without one, partitions start at their
    ///     committed offsets.
    /// - Throws: ``KafkaError/Code/configuration`` for invalid settings.
    public init(
        configuration: KafkaConsumerConfiguration,
        listener: (any KafkaRebalanceListener)? = nil,
        logger: Logger = Logger(label: "fraudstream.kafka.consumer")
    ) throws(KafkaError) {
        self.configuration = configuration
        self.listener = listener
        state = Mutex(State(buffer: Buffer(
            maxBytesPerPartition: configuration.maxBufferedBytesPerPartition, maxBatchSize: configuration.maxBatchSize)))
        let rebalance = RebalanceRelay()
        client = try RDKafkaClient(
            type: RD_KAFKA_CONSUMER, properties: configuration.properties(), logger: logger, wantsRebalanceEvents: true
        ) { callbacks in
            callbacks.onRebalance = { err, partitions in rebalance.consumer?.rebalance(err, partitions) }
        }
        rd_kafka_poll_set_consumer(client.handle)
        queue = rd_kafka_queue_get_consumer(client.handle)
        do {
            try RDKafkaTopicPartitionList.with(configuration.topics.map { (KafkaTopicPartition(topic: $0, partition: -1), 0) }) { list throws(KafkaError) in
                let err = rd_kafka_subscribe(client.handle, list)
                guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    throw KafkaError(err, context: "could not subscribe to \(configuration.topics.joined(separator: ", "))")
                }
            }
        } catch {
            // Every property is set, so deinit runs and destroys the queue and handle.
            blocking.shutdown()
            logEnds.shutdown()
            throw error
        }
        rebalance.consumer = self
        let thread = Thread { [self] in pollLoop() }
        thread.name = "kafka-consumer-poll"
        thread.start()
    }

    deinit {
        // Only reached once the poll thread has ended (it holds the consumer), so after close.
        rd_kafka_queue_destroy(queue)
        client.destroy()
    }

    /// The records and gap reports, in the order the reader must handle them.
    public var events: Events { Events(consumer: self) }

    /// The partitions currently assigned to this member.
    public var assignment: [KafkaTopicPartition] { state.withLock { $0.buffer.assignment } }

    /// Stops handing over records of `partitions` (others keep flowing) until ``resume(_:)``.
    /// Records already fetched stay buffered and are delivered after resuming.
    public func pause(_ partitions: [KafkaTopicPartition]) {
        state.withLock { $0.buffer.setPausedByReader(true, partitions) }
        rd_kafka_queue_yield(queue)
    }

    /// Resumes partitions paused with ``pause(_:)``.
    public func resume(_ partitions: [KafkaTopicPartition]) {
        let resumed = state.withLock { state in
            state.buffer.setPausedByReader(false, partitions)
            return takeReaderIfReady(&state)
        }
        if let (reader, event) = resumed { reader.resume(returning: event) }
        rd_kafka_queue_yield(queue)
    }

    /// Starts reading a partition that was assigned ``KafkaStartOffset/held``, at `offset` (the
    /// next record to read). Does nothing for a partition that is not held: one revoked
    /// meanwhile, or already started.
    /// - Returns: whether the partition was held and is now started.
    @discardableResult
    public func start(_ partition: KafkaTopicPartition, at offset: Int64) -> Bool {
        let started = state.withLock { $0.buffer.start(partition, at: offset) }
        if started { wakePollThread() }
        return started
    }

    /// The partition's log range on the broker: the earliest offset still stored and the end
    /// offset (the offset the next record produced will get). One broker round trip, on the
    /// consumer's thread for blocking calls.
    /// - Throws: ``KafkaError`` when the broker does not answer within `timeout`.
    public func logRange(of partition: KafkaTopicPartition, timeout: Duration = .seconds(10)) async throws -> Range<Int64> {
        let client = self.client
        let (low, high) = try await blocking.run { try client.queryWatermarks(partition, timeout: timeout) }
        return max(0, low)..<max(0, low, high)
    }

    /// Commits the group's offsets: for each partition, the offset of the next record to read.
    ///
    /// - Throws: ``KafkaError`` with the broker's error when the commit fails (for example
    ///   after the partition was revoked).
    public func commit(_ offsets: [KafkaTopicPartition: Int64]) async throws {
        guard !offsets.isEmpty else { return }
        let client = self.client
        let entries = offsets.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        try await blocking.run {
            try RDKafkaTopicPartitionList.with(entries) { list throws(KafkaError) in
                let err = rd_kafka_commit(client.handle, list, 0)
                guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "could not commit offsets") }
                for entry in RDKafkaTopicPartitionList.entries(list) where entry.error != RD_KAFKA_RESP_ERR_NO_ERROR {
                    throw KafkaError(entry.error, context: "could not commit the offset of \(entry.partition)")
                }
            }
        }
    }

    /// The group's committed offsets for `partitions` (the next record to read), where the
    /// group has one.
    public func committedOffsets(_ partitions: [KafkaTopicPartition], timeout: Duration = .seconds(10)) async throws -> [KafkaTopicPartition: Int64] {
        let client = self.client
        return try await blocking.run { try Self.committed(client, partitions, timeout: timeout) }
    }

    /// Acknowledges a retention gap: reading its partition resumes at the earliest available
    /// record (or at the end of the log, if the gap lay beyond it).
    public func skipGap(_ gap: KafkaOffsetGap) {
        guard state.withLock({ $0.buffer.acknowledge(gap) }) else { return }
        client.logger.warning("skipping lost records", metadata: ["gap": "\(gap)"])
        wakePollThread()
    }

    /// How many records each assigned partition has on the broker that this consumer has not
    /// handed over yet, from the latest fetch responses or, for a partition paused since, its log
    /// end as the consumer last read it from the broker (once a second; no round trip here).
    public func lag() -> [KafkaTopicPartition: Int64] {
        let positions = state.withLock { state in state.buffer.partitions.mapValues { ($0.nextOffset, $0.queriedLogEnd) } }
        var lag: [KafkaTopicPartition: Int64] = [:]
        for (partition, (next, queriedEnd)) in positions {
            var low: Int64 = -1
            var high: Int64 = -1
            rd_kafka_get_watermark_offsets(client.handle, partition.topic, partition.partition, &low, &high)
            high = max(high, queriedEnd)
            guard high >= 0 else { continue }
            lag[partition] = max(0, high - (next ?? max(low, 0)))
        }
        return lag
    }

    /// Leaves the group and stops the consumer. The listener is told about the revocation
    /// first; ``events`` then finishes. Idempotent.
    public func close() async {
        _ = running.stop()
        rd_kafka_queue_yield(queue)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let isClosed = state.withLock { state in
                if !state.isClosed { state.closeWaiters.append(continuation) }
                return state.isClosed
            }
            if isClosed { continuation.resume() }
        }
    }

    /// The reader waiting for an event, with the event to give it, if one is ready.
    func takeReaderIfReady(_ state: inout State) -> (CheckedContinuation<KafkaConsumerEvent?, any Error>, KafkaConsumerEvent)? {
        guard state.reader != nil, let next = state.buffer.next() else { return nil }
        if next.drained { rd_kafka_queue_yield(queue) }
        let reader = state.reader.take()!
        return (reader, next.event)
    }

    static func committed(_ client: RDKafkaClient, _ partitions: [KafkaTopicPartition], timeout: Duration) throws(KafkaError) -> [KafkaTopicPartition: Int64] {
        try RDKafkaTopicPartitionList.with(partitions.map { ($0, Int64(RD_KAFKA_OFFSET_INVALID)) }) { list throws(KafkaError) in
            let err = rd_kafka_committed(client.handle, list, Int32(timeout.milliseconds))
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "could not read committed offsets") }
            var result: [KafkaTopicPartition: Int64] = [:]
            for entry in RDKafkaTopicPartitionList.entries(list) where entry.offset >= 0 {
                result[entry.partition] = entry.offset
            }
            return result
        }
    }
}

/// Lets the rebalance callback, registered before the consumer exists, reach it.
private final class RebalanceRelay: @unchecked Sendable {
    // Set once, before polling starts; read only on the poll thread afterwards.
    weak var consumer: KafkaConsumer?
}
