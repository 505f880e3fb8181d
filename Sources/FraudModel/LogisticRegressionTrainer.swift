/// Fits a ``LogisticRegressionModel`` by Newton's method on the L2-regularised, class-weighted
/// log-loss of standardised features.
///
/// Newton steps (iteratively reweighted least squares) converge in a few iterations for the
/// few dozen features of a fraud model, and the result is deterministic. The bias is not
/// regularised.
public struct LogisticRegressionTrainer: Sendable {
    /// L2 penalty on the weights, `λ/2 · Σ w²`, relative to the mean weighted loss per row.
    public var l2: Double
    /// The weight of a fraud row in the loss; `nil` means negatives / positives.
    public var positiveClassWeight: Double?
    /// The most Newton steps.
    public var maxIterations: Int
    /// Stop when no parameter moves more than this in a step.
    public var tolerance: Double

    /// Creates a trainer.
    ///
    /// - Parameters:
    ///   - l2: L2 penalty on the weights; keeps separable data from diverging.
    ///   - positiveClassWeight: The weight of a fraud row; `nil` balances the classes.
    ///   - maxIterations: The most Newton steps.
    ///   - tolerance: The largest parameter change that counts as converged.
    public init(l2: Double = 1e-3, positiveClassWeight: Double? = nil, maxIterations: Int = 50, tolerance: Double = 1e-8) {
        self.l2 = l2
        self.positiveClassWeight = positiveClassWeight
        self.maxIterations = maxIterations
        self.tolerance = tolerance
    }

    /// Trains a model.
    ///
    /// - Parameters:
    ///   - features: The training rows; `.nan` values are treated as the feature's mean.
    ///   - labels: Whether each row is fraud; both classes must occur.
    /// - Returns: The fitted model.
    /// - Throws: ``ModelError/Code/invalidTrainingData`` for mismatched counts, one class only or a bad penalty.
    public func train(features: ModelFeatureMatrix, labels: [Bool]) throws(ModelError) -> LogisticRegressionModel {
        let rows = features.rowCount, width = features.featureCount
        guard rows == labels.count, rows > 0 else {
            throw ModelError(.invalidTrainingData, "logistic regression: \(rows) rows and \(labels.count) labels; pass one label per row, at least one row")
        }
        let positives = labels.count(where: { $0 })
        guard positives > 0, positives < rows else {
            throw ModelError(.invalidTrainingData, "logistic regression: the training set has \(positives) fraud and \(rows - positives) legitimate rows; it needs both")
        }
        guard l2 >= 0, positiveClassWeight.map({ $0 > 0 }) ?? true else {
            throw ModelError(.invalidTrainingData, "logistic regression: l2 must not be negative and positiveClassWeight must be positive")
        }
        let (means, deviations) = Self.moments(features)
        // Standardised design with a leading 1 for the bias; missing values become 0 (the mean).
        let columns = width + 1
        var design = [Double](repeating: 0, count: rows * columns)
        for row in 0..<rows {
            design[row * columns] = 1
            for feature in 0..<width where !features[row, feature].isNaN {
                design[row * columns + 1 + feature] = (features[row, feature] - means[feature]) / deviations[feature]
            }
        }
        let positiveWeight = positiveClassWeight ?? Double(rows - positives) / Double(positives)
        let totalWeight = Double(rows - positives) + positiveWeight * Double(positives)
        var beta = [Double](repeating: 0, count: columns)
        for _ in 0..<maxIterations {
            var gradient = [Double](repeating: 0, count: columns)
            var hessian = [Double](repeating: 0, count: columns * columns)
            for row in 0..<rows {
                let x = design[(row * columns)..<((row + 1) * columns)]
                var margin = 0.0
                for (j, value) in x.enumerated() { margin += beta[j] * value }
                let p = sigmoid(margin), weight = (labels[row] ? positiveWeight : 1) / totalWeight
                let residual = weight * (p - (labels[row] ? 1 : 0)), curvature = weight * max(p * (1 - p), 1e-12)
                for (j, xj) in x.enumerated() where xj != 0 {
                    gradient[j] += residual * xj
                    for (k, xk) in x.enumerated() where k >= j {
                        hessian[j * columns + k] += curvature * xj * xk
                    }
                }
            }
            for j in 1..<columns {
                gradient[j] += l2 * beta[j]
                hessian[j * columns + j] += l2
            }
            for j in 0..<columns {
                for k in 0..<j { hessian[j * columns + k] = hessian[k * columns + j] }
            }
            let step = Self.solve(hessian, gradient, size: columns)
            var largest = 0.0
            for j in 0..<columns {
                beta[j] -= step[j]
                largest = max(largest, abs(step[j]))
            }
            if largest < tolerance { break }
        }
        return try LogisticRegressionModel(means: means, standardDeviations: deviations, weights: Array(beta.dropFirst()), bias: beta[0])
    }

    /// Per feature, the mean and standard deviation of the present values (1 when constant).
    static func moments(_ features: ModelFeatureMatrix) -> (means: [Double], deviations: [Double]) {
        var means: [Double] = [], deviations: [Double] = []
        for feature in 0..<features.featureCount {
            var count = 0.0, sum = 0.0, squares = 0.0
            for row in 0..<features.rowCount where !features[row, feature].isNaN {
                count += 1
                sum += features[row, feature]
            }
            let mean = count > 0 ? sum / count : 0
            for row in 0..<features.rowCount where !features[row, feature].isNaN {
                squares += (features[row, feature] - mean) * (features[row, feature] - mean)
            }
            let deviation = count > 0 ? (squares / count).squareRoot() : 0
            means.append(mean)
            deviations.append(deviation > 1e-12 && deviation.isFinite ? deviation : 1)
        }
        return (means, deviations)
    }

    /// Solves `a · x = b` for a symmetric positive-definite `a` by Cholesky decomposition.
    static func solve(_ a: [Double], _ b: [Double], size n: Int) -> [Double] {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i * n + j]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = i == j ? max(sum, 1e-12).squareRoot() : sum / l[j * n + j]
            }
        }
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var sum = b[i]
            for k in 0..<i { sum -= l[i * n + k] * y[k] }
            y[i] = sum / l[i * n + i]
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = y[i]
            for k in (i + 1)..<n { sum -= l[k * n + i] * x[k] }
            x[i] = sum / l[i * n + i]
        }
        return x
    }
}
