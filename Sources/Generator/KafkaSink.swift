import Kafka
import Logging

/// Writes records to Kafka: transactions keyed by `account_from`, labels keyed by transaction
/// id.
///
/// The record timestamp is the produce time (Kafka's `CreateTime`), not the event time in the
/// payload: the worker measures end-to-end latency from it, and a broker applies retention by
/// it, so a simulated clock months in the past must not reach it.
///
/// Records are queued without waiting for acknowledgement (the producer waits only while its
/// local queue is full); failures are counted in ``deliveryErrors``.
public final class KafkaSink: GeneratorSink {
    private let producer: KafkaProducer
    private let topic: String
    private let labelsTopic: String

    /// Creates the topics if they are missing, then connects a producer.
    ///
    /// - Parameters:
    ///   - settings: Brokers, pass-through properties, topic names and partition count.
    ///   - logger: Receives the Kafka clients' log messages and topic creation notes.
    /// - Throws: ``KafkaError`` when a topic cannot be created or the producer rejects a property.
    public init(settings: KafkaOutputSettings, logger: Logger = Logger(label: "fraudstream.generator")) async throws {
        let admin = try KafkaAdmin(bootstrapServers: settings.brokers, additionalProperties: settings.properties, logger: logger)
        do {
            for name in [settings.topic, settings.labelsTopic] {
                if try await admin.createTopic(name, partitions: settings.partitions) {
                    logger.info("created topic \(name) with \(settings.partitions) partitions")
                }
            }
            admin.close()
        } catch {
            admin.close()
            throw error
        }
        var configuration = KafkaProducerConfiguration(bootstrapServers: settings.brokers)
        configuration.additionalProperties = settings.properties
        producer = try KafkaProducer(configuration: configuration, logger: logger)
        try await producer.connect()
        topic = settings.topic
        labelsTopic = settings.labelsTopic
    }

    /// Queues the transaction on the transactions topic, stamped with the produce time.
    public func writeTransaction(_ value: [UInt8], key: String, timestampMillis: Int64) async throws {
        try await producer.sendWithoutWaiting(KafkaProducerMessage(topic: topic, key: Array(key.utf8), value: value))
    }

    /// Queues the label on the labels topic, stamped with the produce time.
    public func writeLabel(_ value: [UInt8], key: String, timestampMillis: Int64) async throws {
        try await producer.sendWithoutWaiting(KafkaProducerMessage(topic: labelsTopic, key: Array(key.utf8), value: value))
    }

    /// Records the broker did not accept.
    public var deliveryErrors: Int { producer.statistics.failed }

    /// The latest delivery failure.
    public var lastDeliveryError: String? { producer.statistics.lastError }

    /// Records the broker acknowledged so far.
    public var delivered: Int { producer.statistics.delivered }

    /// Waits for outstanding records (up to 30 seconds) and closes the producer.
    ///
    /// - Throws: ``KafkaError`` when records were still undelivered after the timeout.
    public func finish() async throws {
        try await producer.close(timeout: .seconds(30))
    }
}
