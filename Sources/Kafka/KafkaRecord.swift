/// A record read from a topic partition.
public struct KafkaRecord: Sendable, Hashable {
    /// Where the record was read from.
    public var topicPartition: KafkaTopicPartition
    /// The record's offset in its partition.
    public var offset: Int64
    /// The record key, if it has one.
    public var key: [UInt8]?
    /// The record value (empty for a null value).
    public var value: [UInt8]
    /// The record headers, in the order they were written.
    public var headers: [KafkaHeader]
    /// The record timestamp in milliseconds since the epoch (create time or log-append time),
    /// or `nil` when the broker reports none.
    public var timestampMillis: Int64?

    /// Creates a record.
    public init(
        topicPartition: KafkaTopicPartition,
        offset: Int64,
        key: [UInt8]?,
        value: [UInt8],
        headers: [KafkaHeader] = [],
        timestampMillis: Int64? = nil
    ) {
        self.topicPartition = topicPartition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMillis = timestampMillis
    }
}
