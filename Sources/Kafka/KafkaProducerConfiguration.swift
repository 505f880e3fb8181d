/// Settings for a ``KafkaProducer``.
///
/// The defaults favour durable, ordered, high-throughput delivery: idempotence on
/// (`acks=all`, no duplicates or reordering on retry), a few milliseconds of linger so records
/// travel in batches.
public struct KafkaProducerConfiguration: Sendable {
    /// `host:port` entries of brokers used to discover the cluster.
    public var bootstrapServers: [String]
    /// The client id reported to brokers.
    public var clientID: String = "fraudstream"
    /// Whether the producer is idempotent (exactly one copy per record, in order, per partition).
    public var idempotence: Bool = true
    /// How long records wait for more records to share their batch (`linger.ms`).
    public var linger: Duration = .milliseconds(5)
    /// The largest batch sent to one partition, in bytes (`batch.size`).
    public var batchMaxBytes: Int = 1_000_000
    /// How many records may wait in the producer's local queue
    /// (`queue.buffering.max.messages`); ``KafkaProducer/send(_:)`` waits when it is full.
    public var maxQueuedMessages: Int = 200_000
    /// How long librdkafka keeps retrying a record before its delivery fails
    /// (`message.timeout.ms`).
    public var deliveryTimeout: Duration = .seconds(30)
    /// Any librdkafka property, passed through unchanged; these win over the fields above.
    public var additionalProperties: [String: String] = [:]

    /// Creates a configuration for the given bootstrap servers.
    public init(bootstrapServers: [String]) {
        self.bootstrapServers = bootstrapServers
    }

    var properties: [String: String] {
        var properties = [
            "bootstrap.servers": bootstrapServers.joined(separator: ","),
            "client.id": clientID,
            "enable.idempotence": idempotence ? "true" : "false",
            "linger.ms": String(linger.milliseconds),
            "batch.size": String(batchMaxBytes),
            "queue.buffering.max.messages": String(maxQueuedMessages),
            "message.timeout.ms": String(deliveryTimeout.milliseconds),
        ]
        properties.merge(additionalProperties) { _, custom in custom }
        return properties
    }
}
