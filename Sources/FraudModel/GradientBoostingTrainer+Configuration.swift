extension GradientBoostingTrainer {
    /// Training parameters; docs/model.md explains each one.
    public struct Configuration: Hashable, Sendable {
        /// When to stop adding trees before ``numberOfTrees``.
        public struct EarlyStopping: Hashable, Sendable {
            /// The validation figure watched for improvement.
            public struct Metric: Hashable, Sendable, CustomStringConvertible {
                enum Kind: Hashable, Sendable {
                    case logLoss, averagePrecision
                }

                let kind: Kind

                /// Mean log-loss on the validation set (lower is better).
                public static let logLoss = Metric(kind: .logLoss)
                /// Average precision (PR-AUC) on the validation set (higher is better).
                public static let averagePrecision = Metric(kind: .averagePrecision)

                /// `log-loss` or `pr-auc`.
                public var description: String {
                    kind == .logLoss ? "log-loss" : "pr-auc"
                }
            }

            /// Stop after this many trees without improvement.
            public var rounds: Int = 10
            /// The figure watched.
            public var metric: Metric = .logLoss
            /// Keep at least this many trees, whatever the figure does over the first ones: with
            /// few fraud rows in the validation set the figure is noisy, and an early peak must
            /// not settle the model on a handful of trees.
            public var minimumTrees: Int = 1

            /// Creates an early-stopping rule.
            ///
            /// - Parameters:
            ///   - rounds: Trees without improvement before stopping, at least 1.
            ///   - metric: The validation figure watched.
            ///   - minimumTrees: Trees kept at least, at least 1.
            public init(rounds: Int = 10, metric: Metric = .logLoss, minimumTrees: Int = 1) {
                self.rounds = rounds
                self.metric = metric
                self.minimumTrees = minimumTrees
            }
        }

        /// The most trees to grow.
        public var numberOfTrees: Int = 100
        /// The deepest a tree may grow (a depth-6 tree has up to 64 leaves).
        public var maxDepth: Int = 6
        /// Each tree's leaf values are scaled by this (shrinkage, XGBoost's `eta`).
        public var learningRate: Double = 0.1
        /// L2 regularisation of leaf values (XGBoost's `lambda`).
        public var lambda: Double = 1
        /// Each child of a split needs at least this hessian sum (XGBoost's `min_child_weight`).
        public var minChildWeight: Double = 1
        /// A split must gain more than this (XGBoost's `gamma`).
        public var minSplitGain: Double = 0
        /// Feature values are bucketed into at most this many quantile bins, 2...255.
        public var maxBins: Int = 255
        /// The share of rows each tree sees, drawn afresh per tree, in `(0, 1]`.
        public var rowSubsample: Double = 1
        /// The share of features each tree may split on, drawn afresh per tree, in `(0, 1]`.
        public var columnSubsample: Double = 1
        /// The weight of a fraud row in the loss; `nil` means negatives / positives of the training set.
        public var positiveClassWeight: Double?
        /// Stop early on the validation set; `nil` grows all ``numberOfTrees``.
        public var earlyStopping: EarlyStopping?
        /// Seed of the row and column sampling; the same seed and data give the same model.
        public var seed: UInt64 = 42

        /// Creates the default configuration: 100 trees of depth 6, learning rate 0.1.
        public init() {}

        func validate() throws(ModelError) {
            func invalid(_ message: String) -> ModelError {
                ModelError(.invalidTrainingData, "gradient boosting: \(message)")
            }
            guard numberOfTrees >= 1 else { throw invalid("numberOfTrees is \(numberOfTrees); grow at least 1 tree") }
            guard (1...16).contains(maxDepth) else { throw invalid("maxDepth is \(maxDepth); use 1 to 16") }
            guard learningRate > 0, learningRate <= 1 else { throw invalid("learningRate is \(learningRate); use a value in (0, 1]") }
            guard lambda >= 0, minChildWeight >= 0, minSplitGain >= 0 else {
                throw invalid("lambda, minChildWeight and minSplitGain must not be negative")
            }
            guard (2...255).contains(maxBins) else { throw invalid("maxBins is \(maxBins); use 2 to 255") }
            guard rowSubsample > 0, rowSubsample <= 1 else { throw invalid("rowSubsample is \(rowSubsample); use a share in (0, 1]") }
            guard columnSubsample > 0, columnSubsample <= 1 else {
                throw invalid("columnSubsample is \(columnSubsample); use a share in (0, 1]")
            }
            if let positiveClassWeight, !(positiveClassWeight > 0) {
                throw invalid("positiveClassWeight is \(positiveClassWeight); use a positive weight or nil for negatives / positives")
            }
            if let earlyStopping, earlyStopping.minimumTrees < 1 {
                throw invalid("earlyStopping.minimumTrees is \(earlyStopping.minimumTrees); use at least 1")
            }
            if let earlyStopping, earlyStopping.rounds < 1 {
                throw invalid("earlyStopping.rounds is \(earlyStopping.rounds); use at least 1")
            }
        }
    }
}
