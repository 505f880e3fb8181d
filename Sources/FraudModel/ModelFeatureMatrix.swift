/// Feature vectors stored row after row in one flat `[Double]`, for training and evaluation.
///
/// Row `r` is `values[r * featureCount ..< (r + 1) * featureCount]`. Missing values are `.nan`.
/// Scoring takes the same layout through ``FraudScoringModel/score(_:rowCount:into:)``, so a
/// matrix from the feature engine can be passed without copying.
public struct ModelFeatureMatrix: Hashable, Sendable {
    /// The features of every row, row-major.
    public private(set) var values: [Double]
    /// Features per row.
    public let featureCount: Int

    /// Creates a matrix over row-major values.
    ///
    /// - Parameters:
    ///   - featureCount: Features per row, at least 1.
    ///   - values: The values, row after row; their count must be a multiple of `featureCount`.
    /// - Throws: ``ModelError/Code/invalidTrainingData`` when the count is not a whole number of rows.
    public init(featureCount: Int, values: [Double]) throws(ModelError) {
        guard featureCount > 0, values.count % featureCount == 0 else {
            throw ModelError(
                .invalidTrainingData,
                "feature matrix: \(values.count) values do not make whole rows of \(featureCount) features: pass featureCount > 0 and a multiple of it"
            )
        }
        self.featureCount = featureCount
        self.values = values
    }

    /// Creates an empty matrix.
    ///
    /// - Parameters:
    ///   - featureCount: Features per row, at least 1.
    ///   - rowCapacity: Rows to reserve room for.
    public init(featureCount: Int, rowCapacity: Int = 0) {
        precondition(featureCount > 0, "featureCount must be positive, got \(featureCount)")
        self.featureCount = featureCount
        values = []
        values.reserveCapacity(rowCapacity * featureCount)
    }

    /// The number of rows.
    public var rowCount: Int {
        values.count / featureCount
    }

    /// The value of feature `feature` in row `row`.
    public subscript(row: Int, feature: Int) -> Double {
        values[row * featureCount + feature]
    }

    /// The features of row `row`.
    public func row(_ row: Int) -> ArraySlice<Double> {
        values[row * featureCount..<(row + 1) * featureCount]
    }

    /// Appends a row.
    ///
    /// - Parameter row: Exactly ``featureCount`` values.
    public mutating func append<Row: Collection<Double>>(row: Row) {
        precondition(row.count == featureCount, "row has \(row.count) values, the matrix \(featureCount) features")
        values.append(contentsOf: row)
    }

    /// A matrix of the given rows, in the order given.
    ///
    /// - Parameter rows: Row indices, each in `0..<rowCount`.
    public func rows<Indices: Sequence<Int>>(_ rows: Indices) -> ModelFeatureMatrix {
        var result = ModelFeatureMatrix(featureCount: featureCount, rowCapacity: rows.underestimatedCount)
        for row in rows {
            result.values.append(contentsOf: self.row(row))
        }
        return result
    }
}
