import FraudCore
import Kafka
import Logging

/// The worker's middle stage: takes each partition's batches in offset order, computes
/// features and scores with the partition's ``PartitionProcessor``, and queues the results for
/// the sink; also applies rebalances in order with the records.
///
/// It is the only owner of the partitions' feature state, so checkpoints are taken here, between
/// batches, and travel to the sink with the batch they follow. When the sink falls behind,
/// ``SinkQueue/push(_:)`` waits, this stage stops reading, and the consumer's buffers fill and
/// pause the partitions.
struct ProcessingStage: Sendable {
    let queue: SinkQueue
    let consumer: KafkaConsumer
    let metrics: WorkerMetrics
    let checkpointInterval: Duration
    /// The model to score with; checked once per batch.
    let models: ModelSelection
    let logger: Logger

    /// A partition being processed.
    private struct Slot {
        var processor: PartitionProcessor
        /// The offset the next record must have; earlier ones are stale and dropped.
        var expectedOffset: Int64
        var replayUntil: Int64
        var ownerEpoch: Int64
        var lastCheckpoint: ContinuousClock.Instant
        var replaying: Bool
        /// The ``ModelSelection`` generation of the processor's model; -1 until the first batch.
        var modelGeneration = -1
    }

    /// Runs until `input` ends, then finishes the queue.
    func run(_ input: some AsyncSequence<ProcessingInput, any Error> & Sendable) async throws {
        defer { queue.finish() }
        var slots: [Int32: Slot] = [:]
        for try await element in input {
            switch element {
            case .kafka(.records(let batch)):
                guard var slot = slots[batch.topicPartition.partition] else { continue }
                guard let output = await process(batch, in: &slot) else { continue }
                slots[batch.topicPartition.partition] = slot
                await queue.push(.batch(output))
            case .kafka(.gap(let gap)):
                guard let slot = slots[gap.topicPartition.partition] else { continue }
                guard gap.lostOffsets != nil else {
                    // The log ends before where this partition stands: the topic was deleted and
                    // recreated, or truncated. Reading on would drop the new records below the
                    // committed offset as replays, so the partition stops until an operator decides.
                    slots[gap.topicPartition.partition] = nil
                    metrics.update { [count = slots.count] in
                        $0.assignedPartitions = count
                        $0.stoppedPartitions += 1
                    }
                    logger.error(LogEndsBeforeCommittedOffset.message, metadata: LogEndsBeforeCommittedOffset.metadata(
                        partition: gap.topicPartition.partition, committedOffset: max(slot.replayUntil, slot.expectedOffset),
                        log: gap.earliestAvailableOffset..<max(gap.earliestAvailableOffset, gap.latestAvailableOffset)))
                    continue
                }
                report(gap, replayUntil: slot.replayUntil)
                slots[gap.topicPartition.partition]?.expectedOffset = gap.resumeOffset
                consumer.skipGap(gap)
            case .control(.assign(let partitions, let installed)):
                for assigned in partitions {
                    slots[assigned.processor.partition] = Slot(
                        processor: assigned.processor, expectedOffset: assigned.startOffset,
                        replayUntil: assigned.replayUntil, ownerEpoch: assigned.ownerEpoch,
                        lastCheckpoint: staggeredStart(assigned.processor.partition),
                        replaying: assigned.startOffset < assigned.replayUntil)
                }
                metrics.update { [count = slots.count] in $0.assignedPartitions = count }
                installed.complete()
            case .control(.revoke(let partitions, let drained)):
                var checkpoints: [CheckpointDraft] = []
                for partition in partitions {
                    guard let slot = slots.removeValue(forKey: partition) else { continue }
                    checkpoints.append(CheckpointDraft(
                        partition: partition, snapshot: await slot.processor.snapshot(), stateOffset: slot.expectedOffset,
                        ownerEpoch: slot.ownerEpoch))
                }
                metrics.update { [count = slots.count] in $0.assignedPartitions = count }
                if await !queue.push(.drain(DrainRequest(checkpoints: checkpoints, done: drained))) {
                    drained.complete()
                }
            case .control(.drop(let current)):
                for (partition, epoch) in current where (slots[partition]?.ownerEpoch ?? .max) < epoch {
                    slots[partition] = nil
                }
                metrics.update { [count = slots.count] in $0.assignedPartitions = count }
            case .control(.fail(let error)):
                throw error
            }
        }
    }

    /// When a partition's checkpoint clock starts: spread over one interval by partition number,
    /// so that the partitions' snapshots (each serialising every account of the partition) do
    /// not all land in the same write and stall it.
    private func staggeredStart(_ partition: Int32) -> ContinuousClock.Instant {
        let slots = 16
        return .now - checkpointInterval * (Double(Int(partition) % slots) / Double(slots))
    }

    /// Logs and counts records deleted by retention. Those below the committed offset were
    /// scored before and are only missing from the state rebuild; the others are lost.
    private func report(_ gap: KafkaOffsetGap, replayUntil: Int64) {
        guard let range = gap.lostOffsets else { return }
        let lost = max(0, range.upperBound + 1 - max(range.lowerBound, replayUntil))
        var metadata: Logger.Metadata = ["partition": "\(gap.topicPartition.partition)", "gap": "\(gap)"]
        if lost > 0 {
            metrics.update { $0.lostToRetention += lost }
            metadata["lostRecords"] = "\(lost)"
            logger.error("records were deleted by retention before this worker scored them; they are lost", metadata: metadata)
        } else {
            logger.warning("the start of the state rebuild was deleted by retention; features of the next transactions may differ from the first run", metadata: metadata)
        }
    }

    /// Processes one batch of a partition, leaving out what an earlier run already wrote.
    private func process(_ batch: KafkaRecordBatch, in slot: inout Slot) async -> SinkBatch? {
        var batch = batch
        if let first = batch.records.first, first.offset < slot.expectedOffset {
            batch.records.removeAll { $0.offset < slot.expectedOffset }
            guard !batch.records.isEmpty else { return nil }
        }
        if let first = batch.records.first, first.offset > slot.expectedOffset {
            logger.warning("offsets skipped in the partition (transaction markers or compaction)", metadata: [
                "partition": "\(batch.topicPartition.partition)", "expected": "\(slot.expectedOffset)", "got": "\(first.offset)",
            ])
        }
        if slot.modelGeneration != models.generation {
            useCurrentModel(in: &slot)
        }
        var processed = await slot.processor.process(batch)
        logger.trace("batch scored", metadata: [
            "partition": "\(batch.topicPartition.partition)", "firstOffset": "\(batch.records.first!.offset)",
            "lastOffset": "\(batch.records.last!.offset)", "model": "\(slot.processor.modelVersion)",
        ])
        slot.expectedOffset = processed.nextOffset
        let replayUntil = slot.replayUntil
        if batch.records.first!.offset < replayUntil {
            processed.scored.removeAll { $0.offset < replayUntil }
            processed.deadLetters.removeAll { $0.message.offset < replayUntil }
            processed.flaggedCount = processed.scored.count { $0.flagged }
            processed.lateCount = processed.scored.count { $0.features[.late] != 0 }
        }
        if slot.replaying, processed.nextOffset >= replayUntil {
            slot.replaying = false
            logger.info("partition caught up with its committed offset; scoring new records", metadata: [
                "partition": "\(batch.topicPartition.partition)", "offset": "\(replayUntil)",
            ])
        }
        var checkpoint: CheckpointDraft?
        let now = ContinuousClock.now
        if now - slot.lastCheckpoint >= checkpointInterval {
            slot.lastCheckpoint = now
            checkpoint = CheckpointDraft(
                partition: batch.topicPartition.partition, snapshot: await slot.processor.snapshot(), stateOffset: processed.nextOffset,
                ownerEpoch: slot.ownerEpoch)
        }
        let timestamps = Self.timestamps(of: processed.scored, in: batch)
        metrics.recordScoringLatencies(recordTimestamps: timestamps, scoredAt: PartitionProcessor.wallClock().millisecondsSinceEpoch)
        return SinkBatch(
            processed: processed, recordTimestamps: timestamps,
            consumed: batch.records.count, checkpoint: checkpoint, ownerEpoch: slot.ownerEpoch)
    }

    /// Gives the slot's processor the selected model; the batch about to be processed is the
    /// first the partition scores with it.
    private func useCurrentModel(in slot: inout Slot) {
        let installed = models.current
        defer { slot.modelGeneration = installed.generation }
        guard installed.version != slot.processor.modelVersion else { return }
        do {
            slot.processor = try slot.processor.scoring(with: installed.model, modelVersion: installed.version)
        } catch {
            // The switcher checked the schema before installing, so this does not happen; if it
            // did, the partition keeps its model rather than scoring with one that misreads it.
            logger.error("the selected model cannot score this partition; keeping its current model", metadata: [
                "partition": "\(slot.processor.partition)", "model": "\(installed.version)", "error": "\(error)",
            ])
        }
    }

    /// The record timestamp of each scored row (rows are a subsequence of the records).
    private static func timestamps(of rows: [ScoredTransaction], in batch: KafkaRecordBatch) -> [Int64] {
        var timestamps: [Int64] = []
        timestamps.reserveCapacity(rows.count)
        var index = batch.records.startIndex
        for row in rows {
            while batch.records[index].offset < row.offset { index += 1 }
            timestamps.append(batch.records[index].timestampMillis ?? row.transaction.timestamp.millisecondsSinceEpoch)
        }
        return timestamps
    }
}
