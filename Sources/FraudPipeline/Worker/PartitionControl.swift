import Kafka

/// Rebalance work the consumer's listener hands to the processing stage, in order with the
/// records: the stage is the only owner of the partitions' feature state.
enum PartitionControl: Sendable {
    /// Start processing partitions; signal `installed` once they are ready for records.
    case assign([AssignedPartition], installed: Completion)
    /// Stop processing partitions and drain them; `drained` is signalled once their rows and
    /// final checkpoints are written.
    case revoke([Int32], drained: Completion)
    /// Stop processing partitions at once, writing nothing more for them: another owner claimed
    /// them (a write for them was fenced). Maps each to its epoch now; a slot of that epoch or
    /// newer (this worker was assigned the partition again meanwhile) stays.
    case drop([Int32: Int64])
    /// Taking over a partition failed in a way no retry can fix (permission denied, missing
    /// tables): the worker stops with this error.
    case fail(any Error)
}

/// A partition that was just assigned, with its state restored from its checkpoint.
struct AssignedPartition: Sendable {
    /// The partition's processor, with the checkpoint's state (or none).
    var processor: PartitionProcessor
    /// The first offset the consumer will hand over: the checkpoint's state offset, or the
    /// start of the partition.
    var startOffset: Int64
    /// The partition's committed next offset in PostgreSQL: outputs below it were written by an
    /// earlier owner, so records below it are only replayed to rebuild state.
    var replayUntil: Int64
    /// The ownership epoch this worker claimed for the partition; its writes are refused once
    /// another worker claims a newer one.
    var ownerEpoch: Int64
}

/// What the processing stage reads: records and gaps from Kafka, and rebalance work.
enum ProcessingInput: Sendable {
    case kafka(KafkaConsumerEvent)
    case control(PartitionControl)
}
