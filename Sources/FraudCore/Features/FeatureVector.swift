/// The features of one transaction, in the order of ``FeatureSchema/current``.
///
/// A fixed-size value held inline (no heap storage), so producing one costs no allocation.
/// Read a feature by position or by ``FeatureSchema/Feature``; batches of vectors travel
/// as a ``FeatureMatrix``, whose rows are contiguous.
public struct FeatureVector: Sendable, CustomStringConvertible {
    /// The inline storage: one `Double` per feature of the current schema.
    typealias Storage = (Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double)

    var storage: Storage = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    /// Creates a vector with every feature 0.
    public init() {}

    /// Creates a vector from values in schema order.
    ///
    /// - Parameter values: Exactly ``FeatureSchema/width`` values.
    /// - Precondition: `values.count == FeatureSchema.width`.
    public init(_ values: some Collection<Double>) {
        precondition(values.count == FeatureSchema.width, "a FeatureVector has \(FeatureSchema.width) values, got \(values.count)")
        withUnsafeMutableBufferPointer { buffer in
            _ = buffer.initialize(from: values)
        }
    }

    /// The number of features, ``FeatureSchema/width``.
    public var count: Int {
        FeatureSchema.width
    }

    /// The feature at `position` in schema order.
    public subscript(position: Int) -> Double {
        get {
            precondition(position >= 0 && position < FeatureSchema.width, "feature position \(position) out of range")
            return withUnsafeBufferPointer { $0[position] }
        }
        set {
            precondition(position >= 0 && position < FeatureSchema.width, "feature position \(position) out of range")
            withUnsafeMutableBufferPointer { $0[position] = newValue }
        }
    }

    /// The value of `feature`.
    public subscript(feature: FeatureSchema.Feature) -> Double {
        get { self[feature.rawValue] }
        set { self[feature.rawValue] = newValue }
    }

    /// The values in schema order, as a new array.
    public var values: [Double] {
        withUnsafeBufferPointer { Array($0) }
    }

    /// Whether both vectors hold the same bits in every feature (so `0.0` and `-0.0` differ).
    ///
    /// - Parameter other: The vector to compare with.
    public func isBitwiseIdentical(to other: FeatureVector) -> Bool {
        withUnsafeBufferPointer { mine in
            other.withUnsafeBufferPointer { theirs in
                zip(mine, theirs).allSatisfy { $0.bitPattern == $1.bitPattern }
            }
        }
    }

    /// `name=value` pairs in schema order, for logs and test failures.
    public var description: String {
        let names = FeatureSchema.current.featureNames
        return withUnsafeBufferPointer { buffer in
            zip(names, buffer).map { "\($0)=\($1)" }.joined(separator: " ")
        }
    }

    /// Calls `body` with the features as contiguous `Double`s in schema order.
    ///
    /// - Parameter body: Reads the values; the pointer is valid only during the call.
    public func withUnsafeBufferPointer<Result>(
        _ body: (UnsafeBufferPointer<Double>) throws -> Result
    ) rethrows -> Result {
        try withUnsafeBytes(of: storage) { raw in
            try body(raw.assumingMemoryBound(to: Double.self))
        }
    }

    /// Calls `body` with the features as mutable contiguous `Double`s in schema order.
    mutating func withUnsafeMutableBufferPointer<Result>(
        _ body: (UnsafeMutableBufferPointer<Double>) throws -> Result
    ) rethrows -> Result {
        try withUnsafeMutableBytes(of: &storage) { raw in
            try body(raw.bindMemory(to: Double.self))
        }
    }
}
