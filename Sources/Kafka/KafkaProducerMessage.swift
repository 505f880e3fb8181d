/// A record to write to a topic.
public struct KafkaProducerMessage: Sendable {
    /// The destination topic.
    public var topic: String
    /// An explicit partition, or `nil` to let the partitioner choose from the key.
    public var partition: Int32?
    /// The record key; records with the same key go to the same partition.
    public var key: [UInt8]?
    /// The record value.
    public var value: [UInt8]
    /// Record headers.
    public var headers: [KafkaHeader]
    /// The event timestamp in milliseconds since the epoch, or `nil` for the send time.
    public var timestampMillis: Int64?

    /// Creates a record to send.
    public init(
        topic: String,
        partition: Int32? = nil,
        key: [UInt8]? = nil,
        value: [UInt8],
        headers: [KafkaHeader] = [],
        timestampMillis: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMillis = timestampMillis
    }
}

/// The broker's acknowledgement of a record.
public struct KafkaDeliveryReport: Sendable, Hashable {
    /// Where the record was written.
    public var topicPartition: KafkaTopicPartition
    /// The offset the broker assigned to the record.
    public var offset: Int64
}
