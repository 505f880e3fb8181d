import FraudCore

/// One scored transaction, as the worker stores it in `scored_transactions`: the transaction,
/// the exact features the model saw, the model's verdict and the Kafka position it came from.
///
/// The features travel as a ``FeatureVector``, a fixed-size value held inline, so building a
/// batch of these allocates nothing per row beyond the transaction's own strings. The stored
/// features are the training rows of later models, so they must be the ones that were scored.
public struct ScoredTransaction: Sendable {
    /// The transaction as decoded from Kafka.
    public var transaction: Transaction
    /// The features the model scored, in the order of the feature schema named by
    /// ``featureSchemaVersion``.
    public var features: FeatureVector
    /// The version of the feature schema that produced ``features``.
    public var featureSchemaVersion: Int32
    /// The model's score, usually a fraud probability in 0...1.
    public var score: Double
    /// Whether the score reached the model's threshold.
    public var flagged: Bool
    /// The version of the model that scored the transaction (`models.version`).
    public var modelVersion: String
    /// The Kafka partition the transaction was read from.
    public var partition: Int32
    /// The transaction's Kafka offset within ``partition``: the position exactly-once is keyed on.
    public var offset: Int64
    /// When the worker scored the transaction (wall clock, millisecond precision).
    public var scoredAt: EventTime

    /// Creates a scored transaction from its parts.
    /// - Parameters:
    ///   - transaction: The transaction.
    ///   - features: The features the model scored.
    ///   - featureSchemaVersion: The version of the schema the features follow.
    ///   - score: The model's score.
    ///   - flagged: Whether the score reached the threshold.
    ///   - modelVersion: The model's version.
    ///   - partition: The Kafka partition of the transaction.
    ///   - offset: The Kafka offset of the transaction.
    ///   - scoredAt: When it was scored.
    public init(
        transaction: Transaction,
        features: FeatureVector,
        featureSchemaVersion: Int32,
        score: Double,
        flagged: Bool,
        modelVersion: String,
        partition: Int32,
        offset: Int64,
        scoredAt: EventTime
    ) {
        self.transaction = transaction
        self.features = features
        self.featureSchemaVersion = featureSchemaVersion
        self.score = score
        self.flagged = flagged
        self.modelVersion = modelVersion
        self.partition = partition
        self.offset = offset
        self.scoredAt = scoredAt
    }
}
