import FraudModel
import Foundation

/// One row of the model registry (`models`), without its model file.
public struct RegisteredModel: Sendable {
    /// The version name, the key of `models` and the value of `scored_transactions.model_version`.
    public var version: String
    /// The model kind: `gbt` (tree ensemble) or `logistic` (logistic regression).
    public var kind: String
    /// The feature schema the model reads.
    public var featureSchema: String
    /// The version of that feature schema.
    public var featureSchemaVersion: Int
    /// The decision threshold.
    public var threshold: Double
    /// The evaluation figures stored at registration (`models.metrics`), if it had any.
    public var evaluation: ModelEvaluation?
    /// Free text given at registration.
    public var description: String
    /// When it was registered.
    public var createdAt: Date
    /// Whether the registry holds its model file (rows from before the registry do not).
    public var hasDocument: Bool
    /// Whether it is the active version (the latest activation).
    public var isActive: Bool
    /// When it was last activated, if ever.
    public var lastActivatedAt: Date?

    /// Creates a row.
    /// - Parameters:
    ///   - version: The version name.
    ///   - kind: `gbt` or `logistic`.
    ///   - featureSchema: The feature schema's name.
    ///   - featureSchemaVersion: Its version.
    ///   - threshold: The decision threshold.
    ///   - evaluation: The evaluation figures, if any.
    ///   - description: Free text.
    ///   - createdAt: The registration time.
    ///   - hasDocument: Whether the model file is stored.
    ///   - isActive: Whether it is the active version.
    ///   - lastActivatedAt: The latest activation time, if any.
    public init(
        version: String, kind: String, featureSchema: String, featureSchemaVersion: Int, threshold: Double,
        evaluation: ModelEvaluation?, description: String, createdAt: Date, hasDocument: Bool, isActive: Bool,
        lastActivatedAt: Date?
    ) {
        self.version = version
        self.kind = kind
        self.featureSchema = featureSchema
        self.featureSchemaVersion = featureSchemaVersion
        self.threshold = threshold
        self.evaluation = evaluation
        self.description = description
        self.createdAt = createdAt
        self.hasDocument = hasDocument
        self.isActive = isActive
        self.lastActivatedAt = lastActivatedAt
    }
}
