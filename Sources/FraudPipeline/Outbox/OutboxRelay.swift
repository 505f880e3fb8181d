import Kafka
import Logging
import Postgres
import Synchronization

/// Sends the ``Outbox``'s records to Kafka after the sink has committed them, and deletes what
/// the broker acknowledged.
///
/// Each pass takes up to ``batchSize`` of the oldest records (`FOR UPDATE SKIP LOCKED`, so the
/// relays of several workers share the work without sending a record twice), sends them all at
/// once, waits for the acknowledgements, deletes them and commits. Only the outbox rows are
/// locked meanwhile, never the partitions' offsets, so the sink's writes go on while Kafka is
/// slow or away; the records then wait in PostgreSQL. A record the broker refuses as too large
/// is logged and deleted (a dead letter is kept whole in `rejected_transactions`). A failure no
/// retry can fix (a missing topic, a denied write) ends ``run()`` with a
/// ``PublicationError`` that says what to create or grant; the records stay for the next start.
///
/// The sink calls ``notify()`` after each commit that added records; the relay also looks every
/// ``pollInterval``, for records left by another worker or an earlier run.
final class OutboxRelay: Sendable {
    let outbox: Outbox
    let connection: PostgresConnection
    let producer: KafkaProducer
    let retry: DatabaseRetry
    let metrics: WorkerMetrics
    let logger: Logger
    /// The most records sent in one pass.
    let batchSize: Int
    /// How often the relay looks without being told.
    let pollInterval: Duration

    private struct State {
        var pending = false
        var finished = false
        var waiter: CheckedContinuation<Void, Never>?
        /// Counts waits, so a poll timer wakes only the wait it was started for.
        var generation = 0
    }
    private let state = Mutex(State())

    init(
        outbox: Outbox, connection: PostgresConnection, producer: KafkaProducer, retry: DatabaseRetry, metrics: WorkerMetrics,
        logger: Logger, batchSize: Int = 1_000, pollInterval: Duration = .seconds(1)
    ) {
        self.outbox = outbox
        self.connection = connection
        self.producer = producer
        self.retry = retry
        self.metrics = metrics
        self.logger = logger
        self.batchSize = batchSize
        self.pollInterval = pollInterval
    }

    /// Tells the relay that records were committed.
    func notify() {
        state.withLock { state in
            state.pending = true
            return state.waiter.take()
        }?.resume()
    }

    /// Asks ``run()`` to make one last pass and return.
    func finish() {
        state.withLock { state in
            state.finished = true
            return state.waiter.take()
        }?.resume()
    }

    /// Sends until ``finish()`` (then once more) or cancellation.
    /// - Throws: ``PublicationError`` for a failure no retry can fix, or `CancellationError`.
    func run() async throws {
        while true {
            let finished = state.withLock { state in
                state.pending = false
                return state.finished
            }
            try await sendPending()
            if finished { return }
            await waitForWork()
        }
    }

    /// Sends every record in the outbox now, pass by pass.
    /// - Returns: How many records were sent (or dropped as too large).
    @discardableResult
    func sendPending() async throws -> Int {
        var total = 0
        while true {
            let sent: Int
            do {
                sent = try await retry.run("sending alerts and dead letters from the outbox") {
                    try await sendBatch()
                }
            } catch let error as PostgresError {
                throw DatabaseAccessError(operation: "send alerts and dead letters from the outbox", schema: outbox.schema, underlying: error)
            }
            total += sent
            if sent < batchSize { return total }
        }
    }

    private func sendBatch() async throws -> Int {
        try await connection.withTransaction { connection in
            let entries = try await outbox.claim(limit: batchSize, on: connection)
            guard !entries.isEmpty else { return 0 }
            try await deliver(entries)
            try await outbox.remove(entries.map(\.id), on: connection)
            return entries.count
        }
    }

    /// Sends `entries` together and waits for every acknowledgement.
    private func deliver(_ entries: [Outbox.Entry]) async throws {
        let producer = producer
        let logger = logger
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for entry in entries {
                    group.addTask {
                        do {
                            _ = try await producer.send(entry.message)
                        } catch let error as KafkaError where error.isRecordTooLarge {
                            // No retry can make it fit. A dead letter stays whole in rejected_transactions.
                            logger.error("a record is too large for its topic and is dropped from the outbox; a dead letter stays in rejected_transactions", metadata: [
                                "topic": "\(entry.message.topic)", "bytes": "\(entry.message.value.count)",
                                "headers": "\(entry.message.headers.map { "\($0.key)=\(String(decoding: $0.value ?? [], as: UTF8.self))" }.filter { !$0.hasPrefix("fraudstream.reason=") })",
                                "error": "\(error)",
                            ])
                        }
                    }
                }
                try await group.waitForAll()
            }
        } catch {
            throw PublicationError(underlying: error)
        }
        metrics.update { $0.outboxSent += entries.count }
    }

    /// Waits for ``notify()``, ``finish()`` or the poll interval.
    private func waitForWork() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let generation: Int? = state.withLock { state in
                if state.pending || state.finished { return nil }
                state.waiter = continuation
                state.generation += 1
                return state.generation
            }
            guard let generation else {
                continuation.resume()
                return
            }
            Task { [pollInterval] in
                try? await Task.sleep(for: pollInterval)
                self.state.withLock { state in state.generation == generation ? state.waiter.take() : nil }?.resume()
            }
        }
    }
}
