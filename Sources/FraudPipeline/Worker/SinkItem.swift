import FraudCore

/// What processing hands to the sink stage, in partition offset order.
enum SinkItem: Sendable {
    /// A processed batch of one partition.
    case batch(SinkBatch)
    /// Partitions being released: write everything before this item, then their final
    /// checkpoints, then signal `done`.
    case drain(DrainRequest)

    /// The item without what it holds for partitions claimed since by another owner: `current`
    /// maps a partition to its epoch now, and what carries an older epoch is dropped. `nil` when
    /// nothing is left to write or to signal.
    func removingStale(_ current: [Int32: Int64]) -> SinkItem? {
        switch self {
        case .batch(let batch):
            guard let epoch = current[batch.processed.partition] else { return self }
            return batch.ownerEpoch < epoch ? nil : self
        case .drain(var request):
            request.checkpoints.removeAll { checkpoint in current[checkpoint.partition].map { checkpoint.ownerEpoch < $0 } ?? false }
            return .drain(request)
        }
    }

    /// The rows the item adds to the sink's next write.
    var rowCount: Int {
        switch self {
        case .batch(let batch): batch.processed.scored.count + batch.processed.deadLetters.count
        case .drain: 0
        }
    }

    /// The checkpoint bytes the item holds.
    var byteCount: Int {
        switch self {
        case .batch(let batch): batch.checkpoint?.snapshot.count ?? 0
        case .drain(let request): request.checkpoints.reduce(0) { $0 + $1.snapshot.count }
        }
    }
}

/// A processed batch of one partition, with what the sink needs besides the rows.
struct SinkBatch: Sendable {
    /// The rows, dead letters and next offset; outputs of offsets that an earlier run already
    /// wrote have been left out.
    var processed: ProcessedBatch
    /// Each scored row's Kafka record timestamp (milliseconds), for the end-to-end latency.
    var recordTimestamps: [Int64]
    /// Records the batch covered, replays included.
    var consumed: Int
    /// The partition's state after this batch, when a checkpoint was due.
    var checkpoint: CheckpointDraft?
    /// The ownership epoch the worker claimed for the partition; the write is refused if the
    /// partition has a newer one.
    var ownerEpoch: Int64
}

/// A partition's feature state and the offset of the first record it does not include.
struct CheckpointDraft: Sendable {
    var partition: Int32
    var snapshot: [UInt8]
    var stateOffset: Int64
    /// The ownership epoch the worker claimed for the partition.
    var ownerEpoch: Int64
}

/// A request to finish the work of released partitions.
struct DrainRequest: Sendable {
    /// The partitions' final checkpoints, at the offset after their last processed batch.
    var checkpoints: [CheckpointDraft]
    /// Signalled once everything before the request and the checkpoints are written, or the
    /// write failed for good.
    var done: Completion
}
