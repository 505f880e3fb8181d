import FraudCore

/// What ``PartitionProcessor`` makes of one Kafka batch: the rows for the sinks, the dead
/// letters, the offset to commit once both are written, and counts for metrics.
public struct ProcessedBatch: Sendable {
    /// The partition the batch came from.
    public var partition: Int32
    /// The valid transactions with their features and scores, in offset order.
    public var scored: [ScoredTransaction]
    /// The records that could not be decoded, in offset order, with their reasons and keys.
    public var deadLetters: [DeadLetter]
    /// The offset to commit once ``scored`` and ``deadLetters`` are written
    /// (``Kafka/KafkaRecordBatch/nextOffset``).
    public var nextOffset: Int64
    /// The number of transactions scored that reached the model's decision threshold.
    public var flaggedCount: Int
    /// The number of scored transactions whose ``FeatureSchema/Feature/late`` feature is set:
    /// beyond the allowed lateness, scored with the window versions still kept.
    public var lateCount: Int

    /// The number of records decoded into transactions (the count of ``scored``).
    public var validCount: Int {
        scored.count
    }

    /// The number of records rejected by the decoder (the count of ``deadLetters``).
    public var rejectedCount: Int {
        deadLetters.count
    }

    /// Creates a processed batch from its parts.
    ///
    /// - Parameters:
    ///   - partition: The Kafka partition.
    ///   - scored: The scored transactions, in offset order.
    ///   - deadLetters: The rejected records, in offset order.
    ///   - nextOffset: The offset to commit after writing both.
    ///   - flaggedCount: How many of `scored` are flagged.
    ///   - lateCount: How many of `scored` were late.
    public init(partition: Int32, scored: [ScoredTransaction], deadLetters: [DeadLetter], nextOffset: Int64, flaggedCount: Int, lateCount: Int) {
        self.partition = partition
        self.scored = scored
        self.deadLetters = deadLetters
        self.nextOffset = nextOffset
        self.flaggedCount = flaggedCount
        self.lateCount = lateCount
    }
}
