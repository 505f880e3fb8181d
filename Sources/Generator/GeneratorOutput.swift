/// Where `fraudstream generate` writes its records.
public enum GeneratorOutput: Sendable, Hashable {
    /// Kafka topics.
    case kafka(KafkaOutputSettings)
    /// JSON Lines files: transactions, and labels unless `labels` is `nil` (then they are dropped).
    case files(transactions: String, labels: String?)
}
