/// Consecutive records of one partition, in offset order.
///
/// The consumer hands records over in batches so that downstream stages can amortise their
/// per-call costs (an actor hop, a database round trip) over many records.
public struct KafkaRecordBatch: Sendable {
    /// The partition every record in the batch belongs to.
    public var topicPartition: KafkaTopicPartition
    /// The records, in increasing offset order.
    public var records: [KafkaRecord]

    /// Creates a batch.
    public init(topicPartition: KafkaTopicPartition, records: [KafkaRecord]) {
        self.topicPartition = topicPartition
        self.records = records
    }

    /// The offset to commit once every record of this batch is processed.
    public var nextOffset: Int64 { (records.last?.offset ?? -1) + 1 }
}
