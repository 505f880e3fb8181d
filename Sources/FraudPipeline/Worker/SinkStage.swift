import FraudCore
import Kafka
import Logging
import Postgres

/// The worker's last stage: writes what processing queued to PostgreSQL, exactly once.
///
/// Each write is one database transaction holding the scored rows (``ScoredTransactionSink``),
/// the partitions' next offsets, the rejects, any due checkpoints, and the write's dead letters
/// and alerts in the ``Outbox``: alerts for the flagged rows this write stored (not for a
/// replayed row, nor for a second copy of a transaction id, which goes to
/// `duplicate_transactions`). No write waits for Kafka: the ``OutboxRelay``, told after each
/// commit, sends the outbox's records (at least once on Kafka, exactly once in the tables). A
/// write that fails because PostgreSQL is unavailable is retried, with backoff, until it
/// succeeds; the queue meanwhile fills up and stops processing, which pauses the partitions.
///
/// Every write names the ownership epoch the worker claimed for each of its partitions. When
/// another worker has claimed one since, the write is refused (fenced): the stage logs it, drops
/// that partition's items, tells processing to drop the partition (``onFenced``), and writes the
/// rest.
struct SinkStage: Sendable {
    let queue: SinkQueue
    let sink: ScoredTransactionSink
    let deadLetters: DeadLetterSink
    let alerts: FraudAlertEncoder?
    let outbox: Outbox
    let relay: OutboxRelay
    let checkpoints: CheckpointStore
    let committer: OffsetCommitter
    let metrics: WorkerMetrics
    let group: String
    let topic: String
    let maxBatchRows: Int
    let flushInterval: Duration
    let retry: DatabaseRetry
    let logger: Logger
    /// Told which partitions another owner took over, with the epoch they have now; what this
    /// worker holds for them under an older epoch is not written.
    var onFenced: @Sendable ([Int32: Int64]) -> Void = { _ in }

    /// Writes until the queue is finished and empty.
    func run() async throws {
        while var items = await queue.take(maxRows: maxBatchRows, linger: flushInterval) {
            while true {
                do {
                    try await write(items)
                    break
                } catch let error as ScoredTransactionSinkError where error.code == .fenced {
                    metrics.update { $0.fencedWrites += 1 }
                    logger.error("another worker owns these partitions now; this worker's write for them was refused and it stops processing them", metadata: [
                        "partitions": "\(error.fencedPartitions.keys.sorted())",
                        "currentEpochs": "\(error.fencedPartitions.sorted { $0.key < $1.key }.map { "\($0.key)@\($0.value)" })",
                    ])
                    onFenced(error.fencedPartitions)
                    items = items.compactMap { $0.removingStale(error.fencedPartitions) }
                }
            }
        }
    }

    /// Everything one database transaction writes.
    private struct Write {
        var rows: [ScoredTransaction] = []
        var timestamps: [Int64] = []
        var nextOffsets: [Int32: Int64] = [:]
        var letters: [DeadLetter] = []
        var checkpoints: [Int32: CheckpointDraft] = [:]
        var ownerEpochs: [Int32: Int64] = [:]
        var drains: [DrainRequest] = []
        var consumed = 0
        var flagged = 0
        var late = 0

        mutating func add(_ checkpoint: CheckpointDraft) {
            checkpoints[checkpoint.partition] = checkpoint
            ownerEpochs[checkpoint.partition] = min(ownerEpochs[checkpoint.partition] ?? .max, checkpoint.ownerEpoch)
            nextOffsets[checkpoint.partition] = max(nextOffsets[checkpoint.partition] ?? checkpoint.stateOffset, checkpoint.stateOffset)
        }
    }

    private func write(_ items: [SinkItem]) async throws {
        var write = Write()
        for item in items {
            switch item {
            case .batch(let batch):
                let processed = batch.processed
                write.rows += processed.scored
                write.timestamps += batch.recordTimestamps
                write.letters += processed.deadLetters
                write.nextOffsets[processed.partition] = max(write.nextOffsets[processed.partition] ?? 0, processed.nextOffset)
                // Items of one partition may span a re-assignment: check the oldest epoch, so a
                // stale item fences the write and is dropped, rather than riding on a newer claim.
                write.ownerEpochs[processed.partition] = min(write.ownerEpochs[processed.partition] ?? .max, batch.ownerEpoch)
                write.consumed += batch.consumed
                write.flagged += processed.flaggedCount
                write.late += processed.lateCount
                if let checkpoint = batch.checkpoint { write.add(checkpoint) }
            case .drain(let request):
                for checkpoint in request.checkpoints { write.add(checkpoint) }
                write.drains.append(request)
            }
        }
        // Drains are signalled once written, or once the write failed for good; a fenced write
        // is tried again without the lost partitions, and signals then.
        var signalDrains = true
        defer { if signalDrains { for drain in write.drains { drain.done.complete() } } }
        guard !write.nextOffsets.isEmpty else { return }

        let checkpointList = Array(write.checkpoints.values)
        let started = ContinuousClock.now
        let sideEffects = !write.letters.isEmpty || (alerts != nil && write.flagged > 0)
        let summary = try await retry.run("writing \(write.rows.count) rows of partitions \(write.nextOffsets.keys.sorted())") {
            do {
                return try await sink.write(
                    write.rows, nextOffsets: write.nextOffsets, group: group, topic: topic, ownerEpochs: write.ownerEpochs
                ) {
                    [write, deadLetters, alerts, outbox, checkpoints, group, topic] connection, notWritten in
                    try await deadLetters.record(write.letters, on: connection)
                    for checkpoint in checkpointList {
                        try await checkpoints.save(
                            checkpoint.snapshot, stateOffset: checkpoint.stateOffset, featureSchemaVersion: FeatureSchema.current.version,
                            group: group, topic: topic, partition: checkpoint.partition, on: connection)
                    }
                    guard sideEffects else { return }
                    // Alerts only for the rows this write stored.
                    var messages = write.letters.map(deadLetters.producerMessage(for:))
                    if let alerts, write.flagged > 0 {
                        messages += alerts.messages(for: zip(write.rows, write.timestamps).lazy.map { (row: $0, recordTimestamp: $1) }.filter {
                            $0.row.flagged && !notWritten.contains(.init(partition: $0.row.partition, offset: $0.row.offset))
                        })
                    }
                    try await outbox.enqueue(messages, on: connection)
                }
            } catch let error as ScoredTransactionSinkError where error.code == .fenced {
                signalDrains = false
                throw error
            } catch {
                metrics.update { $0.sinkRetries += 1 }
                throw error
            }
        }
        if sideEffects { relay.notify() }
        let committedAt = PartitionProcessor.wallClock().millisecondsSinceEpoch
        let took = ContinuousClock.now - started
        metrics.recordSinkWrite(duration: took, rows: write.rows.count)
        metrics.recordCheckpoints(checkpointList.map(\.partition))
        metrics.update { counters in
            counters.consumed += write.consumed
            counters.scored += write.rows.count
            counters.written += summary.written
            counters.alreadyWritten += summary.alreadyWritten
            counters.duplicates += summary.duplicates
            counters.flagged += write.flagged
            counters.late += write.late
            counters.rejected += write.letters.count
            counters.sinkWrites += 1
            counters.checkpoints += checkpointList.count
        }
        metrics.recordLatencies(write.timestamps.map { UInt64(max(0, committedAt - $0)) * 1000 })
        if summary.duplicates > 0 {
            logger.warning("transaction ids seen again at other offsets; recorded in duplicate_transactions", metadata: [
                "duplicates": "\(summary.duplicates)",
            ])
        }
        committer.record(write.nextOffsets, topic: topic)
        if !write.drains.isEmpty {
            await committer.commitNow(partitions: write.drains.flatMap { $0.checkpoints.map(\.partition) }, topic: topic)
        }
    }
}
