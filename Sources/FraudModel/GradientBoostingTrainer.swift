/// Trains a ``TreeEnsembleModel`` by histogram-based gradient boosting of the logistic loss.
///
/// Features are bucketed into quantile bins; each tree is grown depth first, choosing at each
/// node the split with the largest regularised gain (XGBoost's formula, with missing values
/// sent whichever way gains more). Fraud rows are weighted by
/// ``Configuration/positiveClassWeight``. Training is sequential and seeded, so the same data,
/// configuration and seed give the same model, bit for bit.
public struct GradientBoostingTrainer: Sendable {
    /// What training produced.
    public struct Result: Sendable {
        /// The model, with the trees up to and including ``bestIteration``.
        public var model: TreeEnsembleModel
        /// The 0-based index of the last tree kept: the best validation round with early
        /// stopping, else the last tree grown.
        public var bestIteration: Int
        /// The number of trees grown before stopping.
        public var treesGrown: Int
        /// The validation figure (``Configuration/EarlyStopping/metric``, log-loss without early
        /// stopping) after each tree; empty without a validation set.
        public var validationHistory: [Double]
    }

    /// The training parameters.
    public var configuration: Configuration

    /// Creates a trainer.
    ///
    /// - Parameter configuration: The training parameters.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Trains a model.
    ///
    /// - Parameters:
    ///   - features: The training rows.
    ///   - labels: Whether each training row is fraud; both classes must occur.
    ///   - validation: Later rows to watch (required for early stopping), with their labels.
    /// - Returns: The model and how training went.
    /// - Throws: ``ModelError/Code/invalidTrainingData`` for an invalid configuration, mismatched
    ///   counts, or a training set without both classes.
    public func train(
        features: ModelFeatureMatrix, labels: [Bool], validation: (features: ModelFeatureMatrix, labels: [Bool])? = nil
    ) throws(ModelError) -> Result {
        try configuration.validate()
        try Self.check(features, labels, name: "training")
        if let validation {
            try Self.check(validation.features, validation.labels, name: "validation")
            guard validation.features.featureCount == features.featureCount else {
                throw ModelError(.invalidTrainingData, "gradient boosting: validation rows have \(validation.features.featureCount) features, training rows \(features.featureCount); use the same schema for both")
            }
        }
        let positives = labels.count(where: { $0 }), negatives = labels.count - positives
        guard positives > 0, negatives > 0 else {
            throw ModelError(.invalidTrainingData, "gradient boosting: the training set has \(positives) fraud and \(negatives) legitimate rows; it needs both")
        }
        if configuration.earlyStopping != nil && validation == nil {
            throw ModelError(.invalidTrainingData, "gradient boosting: early stopping needs a validation set; pass validation rows or set earlyStopping to nil")
        }
        return try BoostingRun(configuration: configuration, features: features, labels: labels, validation: validation,
                            positiveWeight: configuration.positiveClassWeight ?? Double(negatives) / Double(positives)).run()
    }

    private static func check(_ features: ModelFeatureMatrix, _ labels: [Bool], name: String) throws(ModelError) {
        guard features.rowCount == labels.count, features.rowCount > 0 else {
            throw ModelError(.invalidTrainingData, "gradient boosting: \(features.rowCount) \(name) rows and \(labels.count) labels; pass one label per row, at least one row")
        }
    }
}
