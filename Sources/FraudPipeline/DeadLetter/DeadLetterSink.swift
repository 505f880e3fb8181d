import Kafka
import Postgres

/// Keeps messages the decoder rejected, so that no input is ever dropped silently: records them
/// in `rejected_transactions` and makes their records for the dead-letter topic.
///
/// The worker does both inside the batch's database transaction, together with the scored rows
/// and the offsets that cover the rejects: ``record(_:on:)``, and the ``producerMessage(for:)``
/// of each letter into the ``Outbox``, which the ``OutboxRelay`` sends after the commit
/// (dead-letter delivery is at least once; the table, keyed on the source position, stores
/// each once).
///
/// A dead-letter record is the original record, unchanged: the original bytes as its value,
/// the original key, plus headers naming why and where it came from
/// (``Header``).
///
/// - Important: Records can be larger than the producer's default `message.max.bytes` (about
///   1 MB) allows: build the producer with ``producerConfiguration(bootstrapServers:)``, or set
///   `message.max.bytes` yourself (the topic's `max.message.bytes` on a real cluster, too).
public struct DeadLetterSink: Sendable {
    /// The names of the headers on every dead-letter record.
    public enum Header {
        /// Why the message was rejected, for a person (UTF-8).
        public static let reason = "fraudstream.reason"
        /// The decoder's stable reason code, such as `missing_field` (UTF-8).
        public static let reasonCode = "fraudstream.reason_code"
        /// The topic the message was read from (UTF-8).
        public static let sourceTopic = "fraudstream.source_topic"
        /// The partition it was read from, in decimal (UTF-8).
        public static let sourcePartition = "fraudstream.source_partition"
        /// Its offset in that partition, in decimal (UTF-8).
        public static let sourceOffset = "fraudstream.source_offset"
    }

    /// The largest dead-letter record ``producerConfiguration(bootstrapServers:)`` allows: 4 MiB.
    public static let maxRecordBytes = 4 << 20

    /// The dead-letter topic, such as `transactions.dead_letters`.
    public var topic: String
    /// The PostgreSQL schema holding `rejected_transactions` (already migrated).
    public var schema: String

    /// Creates a sink.
    /// - Parameters:
    ///   - topic: The dead-letter topic.
    ///   - schema: A migrated schema, such as `fraudstream`.
    public init(topic: String, schema: String) {
        self.topic = topic
        self.schema = schema
    }

    /// A producer configuration for dead-letter records: the defaults, with `message.max.bytes`
    /// raised to ``maxRecordBytes`` so an oversized message can still be kept whole.
    /// - Parameter bootstrapServers: `host:port` entries of the cluster.
    /// - Returns: A configuration to adjust further or pass to ``Kafka/KafkaProducer/init(configuration:logger:)``.
    public static func producerConfiguration(bootstrapServers: [String]) -> KafkaProducerConfiguration {
        var configuration = KafkaProducerConfiguration(bootstrapServers: bootstrapServers)
        configuration.additionalProperties["message.max.bytes"] = String(maxRecordBytes)
        return configuration
    }

    /// The dead-letter record of `letter`: its original bytes and key, and the headers of
    /// ``Header``.
    /// - Parameter letter: The rejected message and its key.
    /// - Returns: The record to send to ``topic``.
    public func producerMessage(for letter: DeadLetter) -> KafkaProducerMessage {
        let message = letter.message
        return KafkaProducerMessage(
            topic: topic,
            key: letter.key,
            value: message.payload,
            headers: [
                KafkaHeader(key: Header.reason, string: message.reason),
                KafkaHeader(key: Header.reasonCode, string: message.reasonCode),
                KafkaHeader(key: Header.sourceTopic, string: message.topic),
                KafkaHeader(key: Header.sourcePartition, string: String(message.partition)),
                KafkaHeader(key: Header.sourceOffset, string: String(message.offset)),
            ]
        )
    }

    /// Records every letter in `rejected_transactions`, inside the caller's transaction; a
    /// message recorded before (a replay) is left as it is.
    /// - Parameters:
    ///   - letters: The rejected messages.
    ///   - connection: The connection of the transaction that writes the batch the rejects
    ///     belong to.
    /// - Throws: ``Postgres/PostgresError`` from the server.
    public func record(_ letters: [DeadLetter], on connection: PostgresConnection) async throws {
        for letter in letters {
            try await RejectedMessage.insert(letter.message, schema: schema, on: connection)
        }
    }
}
