/// Logistic regression over standardised features: a simple, explainable baseline.
///
/// The probability of a row is `sigmoid(bias + Σ weightⱼ · (xⱼ − meanⱼ) / standardDeviationⱼ)`.
/// A missing (`.nan`) value counts as the training mean, contributing nothing. Each weight is
/// the change in log-odds for one standard deviation of its feature, so weights compare.
public struct LogisticRegressionModel: FraudScoringModel, Hashable, Codable {
    /// Per feature, the training mean subtracted before scaling.
    public let means: [Double]
    /// Per feature, the training standard deviation divided by (1 for a constant feature).
    public let standardDeviations: [Double]
    /// Per feature, the log-odds change per standard deviation.
    public let weights: [Double]
    /// The log-odds of a row at the means.
    public let bias: Double

    /// Creates a model from its parameters.
    ///
    /// - Parameters:
    ///   - means: Per feature, the mean subtracted.
    ///   - standardDeviations: Per feature, the positive scale divided by.
    ///   - weights: Per feature, the weight of the standardised value.
    ///   - bias: The intercept.
    /// - Throws: ``ModelError/Code/invalidModel`` when the arrays differ in length, are empty, a
    ///   scale is not positive or a parameter is not finite.
    public init(means: [Double], standardDeviations: [Double], weights: [Double], bias: Double) throws(ModelError) {
        guard !means.isEmpty, means.count == standardDeviations.count, means.count == weights.count else {
            throw ModelError(.invalidModel, "logistic regression: means (\(means.count)), standard deviations (\(standardDeviations.count)) and weights (\(weights.count)) need one entry per feature, at least one")
        }
        guard standardDeviations.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw ModelError(.invalidModel, "logistic regression: every standard deviation must be positive and finite; use 1 for a constant feature")
        }
        guard (means + weights + [bias]).allSatisfy(\.isFinite) else {
            throw ModelError(.invalidModel, "logistic regression: means, weights and bias must be finite numbers")
        }
        self.means = means
        self.standardDeviations = standardDeviations
        self.weights = weights
        self.bias = bias
    }

    /// The number of features each row must have.
    public var featureCount: Int {
        weights.count
    }

    /// Scores a batch of rows; see ``FraudScoringModel/score(_:rowCount:into:)``.
    public func score(_ features: UnsafeBufferPointer<Double>, rowCount: Int, into scores: UnsafeMutableBufferPointer<Double>) {
        let width = featureCount
        precondition(features.count >= rowCount * width, "\(features.count) values for \(rowCount) rows of \(width) features")
        precondition(scores.count >= rowCount, "room for \(scores.count) scores, \(rowCount) rows")
        for row in 0..<rowCount {
            scores[row] = sigmoid(margin(features.baseAddress! + row * width))
        }
    }

    /// The log-odds of one row.
    func margin(_ row: UnsafePointer<Double>) -> Double {
        var margin = bias
        for feature in 0..<weights.count where !row[feature].isNaN {
            margin += weights[feature] * (row[feature] - means[feature]) / standardDeviations[feature]
        }
        return margin
    }

    enum CodingKeys: String, CodingKey {
        case means, standardDeviations = "standard_deviations", weights, bias
    }

    /// Decodes and checks a model.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            means: container.decode([Double].self, forKey: .means),
            standardDeviations: container.decode([Double].self, forKey: .standardDeviations),
            weights: container.decode([Double].self, forKey: .weights),
            bias: container.decode(Double.self, forKey: .bias))
    }
}
