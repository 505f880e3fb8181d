/// What a ``KafkaConsumer`` hands to its reader.
public enum KafkaConsumerEvent: Sendable {
    /// Records of one partition, in offset order.
    case records(KafkaRecordBatch)
    /// Records of a partition were lost to retention before they could be read. The partition
    /// delivers nothing more until the reader calls ``KafkaConsumer/skipGap(_:)``.
    case gap(KafkaOffsetGap)
}
