/// A batch of feature vectors stored row after row in one flat `[Double]`.
///
/// Row `r` holds the features of the `r`-th transaction of the batch in the order of
/// ``FeatureSchema/current``, at `values[r * width ..< (r + 1) * width]`, so a model can
/// read a whole batch without copying. Reuse a matrix across batches
/// (``removeAll(keepingCapacity:)``) to avoid allocating in the steady state.
public struct FeatureMatrix: RandomAccessCollection, Sendable {
    /// The features of every row, row-major.
    public private(set) var values: [Double]

    /// Features per row, ``FeatureSchema/width``.
    public var width: Int {
        FeatureSchema.width
    }

    /// Creates an empty matrix.
    ///
    /// - Parameter rowCapacity: Rows to reserve room for.
    public init(rowCapacity: Int = 0) {
        values = []
        values.reserveCapacity(rowCapacity * FeatureSchema.width)
    }

    /// The number of rows.
    public var rowCount: Int {
        values.count / FeatureSchema.width
    }

    /// The first row's position, 0.
    public var startIndex: Int {
        0
    }

    /// One past the last row's position, ``rowCount``.
    public var endIndex: Int {
        rowCount
    }

    /// The features of row `row` as a vector.
    public subscript(row: Int) -> FeatureVector {
        precondition(row >= 0 && row < rowCount, "row \(row) out of range 0..<\(rowCount)")
        let start = row * FeatureSchema.width
        return FeatureVector(values[start..<start + FeatureSchema.width])
    }

    /// Appends `vector` as a new last row.
    ///
    /// - Parameter vector: The features to append.
    public mutating func append(_ vector: FeatureVector) {
        vector.withUnsafeBufferPointer { values.append(contentsOf: $0) }
    }

    /// Removes every row.
    ///
    /// - Parameter keepCapacity: Keep the storage for the next batch.
    public mutating func removeAll(keepingCapacity keepCapacity: Bool = false) {
        values.removeAll(keepingCapacity: keepCapacity)
    }

    /// Makes room for `count` more rows.
    mutating func reserveRows(_ count: Int) {
        values.reserveCapacity(values.count + count * FeatureSchema.width)
    }

    /// Appends one zeroed row and lets `body` fill it in place.
    mutating func appendRow(_ body: (UnsafeMutablePointer<Double>) -> Void) {
        let start = values.count
        values.append(contentsOf: repeatElement(0, count: FeatureSchema.width))
        values.withUnsafeMutableBufferPointer { buffer in
            body(buffer.baseAddress! + start)
        }
    }
}
