/// A model that turns feature vectors into fraud probabilities.
///
/// Scoring is pure and thread-safe: one model value can score batches from any number of
/// tasks at once.
public protocol FraudScoringModel: Sendable {
    /// The number of features each row must have.
    var featureCount: Int { get }

    /// Scores a batch of rows.
    ///
    /// - Parameters:
    ///   - features: `rowCount * featureCount` values, row-major; `.nan` marks a missing value.
    ///   - rowCount: The number of rows.
    ///   - scores: Room for `rowCount` probabilities in `0...1`, written in row order.
    /// - Important: Allocates nothing; the buffers must not overlap.
    func score(_ features: UnsafeBufferPointer<Double>, rowCount: Int, into scores: UnsafeMutableBufferPointer<Double>)
}

extension FraudScoringModel {
    /// Scores every row of a matrix.
    ///
    /// - Parameter matrix: Rows of ``featureCount`` features.
    /// - Returns: One probability per row.
    public func scores(_ matrix: ModelFeatureMatrix) -> [Double] {
        precondition(matrix.featureCount == featureCount, "matrix has \(matrix.featureCount) features per row, the model \(featureCount)")
        return scores(rowMajor: matrix.values)
    }

    /// Scores rows given as one flat row-major array.
    ///
    /// - Parameter values: A multiple of ``featureCount`` values.
    /// - Returns: One probability per row.
    public func scores(rowMajor values: [Double]) -> [Double] {
        precondition(values.count % featureCount == 0, "\(values.count) values do not make whole rows of \(featureCount) features")
        let rowCount = values.count / featureCount
        return [Double](unsafeUninitializedCapacity: rowCount) { scores, initialized in
            values.withUnsafeBufferPointer { features in
                score(features, rowCount: rowCount, into: scores)
            }
            initialized = rowCount
        }
    }

    /// Scores one row.
    ///
    /// - Parameter row: ``featureCount`` values.
    /// - Returns: The fraud probability.
    public func score(_ row: [Double]) -> Double {
        precondition(row.count == featureCount, "row has \(row.count) values, the model \(featureCount) features")
        return scores(rowMajor: row)[0]
    }
}
