/// How to reach Kafka and which topics to write.
public struct KafkaOutputSettings: Sendable, Hashable {
    /// Bootstrap `host:port` entries.
    public var brokers: [String]
    /// librdkafka properties passed through to the producer and admin client.
    public var properties: [String: String] = [:]
    /// The transactions topic, keyed by `account_from`.
    public var topic: String = "transactions"
    /// The labels topic, keyed by transaction id.
    public var labelsTopic: String = "transaction_labels"
    /// Partitions of topics the generator creates (existing topics are left as they are).
    public var partitions: Int = 8

    /// Creates settings for the given brokers with the default topics.
    public init(brokers: [String]) {
        self.brokers = brokers
    }
}
