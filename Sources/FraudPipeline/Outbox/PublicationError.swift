import Kafka

/// A dead letter or alert that Kafka did not accept. The outbox relay retries, unless the error
/// is permanent (a missing topic, a denied write): then the worker stops and says what to do;
/// the records stay in the outbox for the next start.
struct PublicationError: Error, CustomStringConvertible {
    var underlying: any Error

    /// Whether no retry can succeed.
    var isPermanent: Bool {
        (underlying as? KafkaError)?.isPermanentForRecord ?? false
    }

    var description: String {
        guard isPermanent else { return "could not publish to Kafka: \(underlying)" }
        return "could not publish dead letters or alerts to Kafka, and retrying cannot help: \(underlying); "
            + "create the dead-letter and alerts topics (--dead-letter-topic, --alerts-topic; --alerts-topic none turns alerts off) "
            + "or grant this worker WRITE on them, then start it again"
    }
}
