import Kafka
import Logging
import Postgres

/// Sends messages the decoder rejected to a dead-letter topic and records them in
/// `rejected_transactions`, so that no input is ever dropped silently.
///
/// The two halves are separate so the worker can order them around its own transaction:
/// ``publish(_:)`` before the batch's database transaction (it waits for the broker's
/// acknowledgement of every record), then ``record(_:on:)`` inside that transaction, together
/// with the scored rows and the offsets that cover the rejects. A crash in between publishes
/// the rejects again on replay (dead-letter delivery is at least once); the table, keyed on
/// the source position, stores each of them once.
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

    /// The producer the records are sent with.
    public let producer: KafkaProducer
    /// The dead-letter topic, such as `transactions.dead_letters`.
    public var topic: String
    /// The PostgreSQL schema holding `rejected_transactions` (already migrated).
    public var schema: String
    /// Where a dead letter too large for the topic is reported.
    public var logger: Logger

    /// Creates a sink.
    /// - Parameters:
    ///   - producer: The producer to send with; see ``producerConfiguration(bootstrapServers:)``.
    ///   - topic: The dead-letter topic.
    ///   - schema: A migrated schema, such as `fraudstream`.
    /// - Important: The sink does not close the producer; its owner does.
    ///   - logger: Where a dead letter too large for the topic is reported.
    public init(producer: KafkaProducer, topic: String, schema: String, logger: Logger = Logger(label: "fraudstream.dead-letters")) {
        self.producer = producer
        self.topic = topic
        self.schema = schema
        self.logger = logger
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

    /// Sends every letter to the dead-letter topic and waits until the broker has acknowledged
    /// each.
    ///
    /// The letters are in flight together, so a burst of rejects costs one round of
    /// acknowledgements; their order on the topic may differ from their order here (each names
    /// its source partition and offset in its headers).
    /// - Parameter letters: The rejected messages with their keys.
    /// A letter the topic refuses as too large (`MSG_SIZE_TOO_LARGE`) is logged and skipped: no
    /// retry could make it fit, and it is kept whole in `rejected_transactions`.
    /// - Returns: Where each record was written, in the order of `letters`; `nil` for a letter
    ///   too large for the topic.
    /// - Throws: ``Kafka/KafkaError`` when a record is not delivered (for example one larger than
    ///   the producer's or the broker's limit). Letters before it were delivered; sending all of
    ///   them again is safe, the table keeps each once.
    @discardableResult
    public func publish(_ letters: [DeadLetter]) async throws -> [KafkaDeliveryReport?] {
        // All in flight at once: one round of acknowledgements, not one per letter.
        try await withThrowingTaskGroup(of: (Int, KafkaDeliveryReport?).self) { group in
            for (index, letter) in letters.enumerated() {
                let message = producerMessage(for: letter)
                group.addTask { [logger] in
                    do {
                        return (index, try await producer.send(message))
                    } catch let error as KafkaError where error.isRecordTooLarge {
                        // No retry can make it fit: it stays in rejected_transactions only.
                        logger.error("dead letter too large for the dead-letter topic; kept in rejected_transactions only", metadata: [
                            "partition": "\(letter.message.partition)", "offset": "\(letter.message.offset)",
                            "bytes": "\(letter.message.payload.count)", "error": "\(error)",
                        ])
                        return (index, nil)
                    }
                }
            }
            var reports = [KafkaDeliveryReport?](repeating: nil, count: letters.count)
            for try await (index, report) in group {
                reports[index] = report
            }
            return reports
        }
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
