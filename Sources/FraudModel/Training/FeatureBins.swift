/// Quantile bins of the training features: each value becomes a one-byte bin index, and a
/// split between bins `b` and `b + 1` is the threshold `cuts[f][b]` (`Float(value) < cut` goes left).
struct FeatureBins {
    /// The bin of a missing value.
    static let missingBin: UInt8 = 255
    /// Values per feature looked at to place the cuts.
    static let sampleLimit = 200_000

    /// Per feature, ascending thresholds; the feature has `cuts.count + 1` bins.
    let cuts: [[Float]]
    /// Bin of each row's features, row-major like the input.
    let binned: [UInt8]

    init(_ matrix: ModelFeatureMatrix, maxBins: Int) {
        let rows = matrix.rowCount, width = matrix.featureCount
        let stride = max(1, rows / Self.sampleLimit)
        var cuts: [[Float]] = []
        for feature in 0..<width {
            var sample: [Float] = []
            for row in Swift.stride(from: 0, to: rows, by: stride) where !matrix[row, feature].isNaN {
                sample.append(Float(matrix[row, feature]))
            }
            cuts.append(Self.cuts(sortedSample: sample.sorted(), maxBins: maxBins))
        }
        var binned = [UInt8](repeating: 0, count: rows * width)
        matrix.values.withUnsafeBufferPointer { values in
            for feature in 0..<width {
                let featureCuts = cuts[feature]
                for row in 0..<rows {
                    let value = Float(values[row * width + feature])
                    binned[row * width + feature] = value.isNaN ? Self.missingBin : UInt8(Self.bin(of: value, cuts: featureCuts))
                }
            }
        }
        self.cuts = cuts
        self.binned = binned
    }

    /// The number of cuts at or below `value`: binary search for the upper bound.
    static func bin(of value: Float, cuts: [Float]) -> Int {
        var low = 0, high = cuts.count
        while low < high {
            let middle = (low + high) / 2
            if cuts[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Every distinct value its own bin when there are few; otherwise cuts at quantiles.
    static func cuts(sortedSample sample: [Float], maxBins: Int) -> [Float] {
        guard let minimum = sample.first else { return [] }
        var distinct: [Float] = []
        for value in sample where distinct.last != value {
            distinct.append(value)
            if distinct.count > maxBins { break }
        }
        if distinct.count <= maxBins {
            return Array(distinct.dropFirst())
        }
        var cuts: [Float] = []
        for quantile in 1..<maxBins {
            let value = sample[quantile * sample.count / maxBins]
            if value > minimum && value != cuts.last {
                cuts.append(value)
            }
        }
        return cuts
    }
}
