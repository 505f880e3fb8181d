/// Gradient-boosted decision trees with a binary logistic objective.
///
/// The probability of a row is `sigmoid(baseMargin + Σ leaf value)`, summing one leaf per tree.
/// At each split a row goes left when `Float(value) < threshold`, as XGBoost compares in
/// single precision; a missing (`.nan`) value follows the node's default direction.
///
/// Inference walks a packed copy of the nodes (one 16-byte record per node, leaves pointing to
/// themselves) a fixed number of levels per tree, with no data-dependent branches, over blocks
/// of rows so that each tree stays in the L1 cache.
public struct TreeEnsembleModel: FraudScoringModel, Hashable {
    /// One tree as parallel arrays indexed by node, the root at 0 (XGBoost's layout).
    public struct Tree: Hashable, Codable, Sendable {
        /// The left child of each node, or -1 for a leaf.
        public var leftChildren: [Int32]
        /// The right child of each node, or -1 for a leaf.
        public var rightChildren: [Int32]
        /// The feature each split reads (ignored for leaves).
        public var featureIndices: [Int32]
        /// Each split's threshold: rows with `Float(value) < threshold` go left (ignored for leaves).
        public var thresholds: [Float]
        /// Whether a missing value goes left at each split (ignored for leaves).
        public var defaultLeft: [Bool]
        /// Each leaf's margin contribution (ignored for splits).
        public var leafValues: [Float]

        /// Creates a tree from parallel arrays of equal length; ``TreeEnsembleModel/init(featureCount:baseMargin:trees:)`` checks them.
        ///
        /// - Parameters:
        ///   - leftChildren: The left child of each node, or -1 for a leaf.
        ///   - rightChildren: The right child of each node, or -1 for a leaf.
        ///   - featureIndices: The feature each split reads.
        ///   - thresholds: Each split's threshold.
        ///   - defaultLeft: Whether a missing value goes left at each split.
        ///   - leafValues: Each leaf's margin contribution.
        public init(
            leftChildren: [Int32], rightChildren: [Int32], featureIndices: [Int32],
            thresholds: [Float], defaultLeft: [Bool], leafValues: [Float]
        ) {
            self.leftChildren = leftChildren
            self.rightChildren = rightChildren
            self.featureIndices = featureIndices
            self.thresholds = thresholds
            self.defaultLeft = defaultLeft
            self.leafValues = leafValues
        }

        enum CodingKeys: String, CodingKey {
            case leftChildren = "left_children", rightChildren = "right_children", featureIndices = "feature_indices"
            case thresholds, defaultLeft = "default_left", leafValues = "leaf_values"
        }

        /// The number of nodes.
        public var nodeCount: Int {
            leftChildren.count
        }
    }

    /// The number of features each row must have.
    public let featureCount: Int
    /// The margin (log-odds) every prediction starts from.
    public let baseMargin: Double
    /// The trees, summed in order.
    public let trees: [Tree]
    let packed: PackedTrees

    /// Creates an ensemble and checks that every tree is well formed.
    ///
    /// - Parameters:
    ///   - featureCount: The number of features each row must have.
    ///   - baseMargin: The starting margin, `logit(base probability)`.
    ///   - trees: The trees.
    /// - Throws: ``ModelError/Code/invalidModel`` naming the tree and node that is wrong.
    public init(featureCount: Int, baseMargin: Double, trees: [Tree]) throws(ModelError) {
        guard featureCount > 0 else {
            throw ModelError(.invalidModel, "tree ensemble: featureCount must be positive, got \(featureCount)")
        }
        guard baseMargin.isFinite else {
            throw ModelError(.invalidModel, "tree ensemble: base margin must be finite, got \(baseMargin)")
        }
        for (index, tree) in trees.enumerated() {
            try Self.validate(tree, index: index, featureCount: featureCount)
        }
        self.featureCount = featureCount
        self.baseMargin = baseMargin
        self.trees = trees
        packed = PackedTrees(trees)
    }

    /// Scores a batch of rows; see ``FraudScoringModel/score(_:rowCount:into:)``.
    public func score(_ features: UnsafeBufferPointer<Double>, rowCount: Int, into scores: UnsafeMutableBufferPointer<Double>) {
        precondition(features.count >= rowCount * featureCount, "\(features.count) values for \(rowCount) rows of \(featureCount) features")
        precondition(scores.count >= rowCount, "room for \(scores.count) scores, \(rowCount) rows")
        packed.margins(features, featureCount: featureCount, rowCount: rowCount, baseMargin: baseMargin, into: scores)
        for row in 0..<rowCount {
            scores[row] = sigmoid(scores[row])
        }
    }

    /// Two ensembles are equal when their trees and parameters are.
    public static func == (lhs: TreeEnsembleModel, rhs: TreeEnsembleModel) -> Bool {
        lhs.featureCount == rhs.featureCount && lhs.baseMargin == rhs.baseMargin && lhs.trees == rhs.trees
    }

    /// Hashes the trees and parameters.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(featureCount)
        hasher.combine(baseMargin)
        hasher.combine(trees)
    }

    private static func validate(_ tree: Tree, index: Int, featureCount: Int) throws(ModelError) {
        let count = tree.nodeCount
        let where_ = "tree ensemble: tree \(index)"
        guard count > 0 else {
            throw ModelError(.invalidModel, "\(where_) has no nodes: every tree needs at least a root leaf")
        }
        guard [tree.rightChildren.count, tree.featureIndices.count, tree.thresholds.count, tree.defaultLeft.count, tree.leafValues.count]
            .allSatisfy({ $0 == count })
        else {
            throw ModelError(.invalidModel, "\(where_): its node arrays have different lengths; every array needs one entry per node (\(count))")
        }
        for node in 0..<count {
            let left = Int(tree.leftChildren[node]), right = Int(tree.rightChildren[node])
            if left == -1 && right == -1 {
                guard tree.leafValues[node].isFinite else {
                    throw ModelError(.invalidModel, "\(where_), node \(node): leaf value is \(tree.leafValues[node]); leaf values must be finite")
                }
                continue
            }
            // Children after their parent rule out cycles, so every walk ends at a leaf.
            guard left > node, left < count, right > node, right < count else {
                throw ModelError(
                    .invalidModel,
                    "\(where_), node \(node): children \(left) and \(right) must both be -1 (a leaf) or node indices in \(node + 1)..<\(count)"
                )
            }
            let feature = Int(tree.featureIndices[node])
            guard feature >= 0, feature < featureCount else {
                throw ModelError(.invalidModel, "\(where_), node \(node): feature index \(feature) is outside 0..<\(featureCount)")
            }
            guard !tree.thresholds[node].isNaN else {
                throw ModelError(.invalidModel, "\(where_), node \(node): threshold is NaN; split thresholds must be numbers")
            }
        }
    }
}
