/// Grows one regression tree on gradients and hessians from binned features, depth first.
///
/// Each node's histogram holds, per feature and bin, the sums of gradient and hessian of its
/// rows. The smaller child's histogram is built from its rows; the larger one's is the parent's
/// minus the smaller one's, so each level reads at most half of the rows.
struct HistogramTreeBuilder {
    struct Parameters {
        var maxDepth: Int
        var learningRate: Double
        var lambda: Double
        var minChildWeight: Double
        var minSplitGain: Double
    }

    /// A split chosen for a node, in bin terms (for the training rows) and threshold terms (for the model).
    struct Split {
        var feature: Int
        var bin: Int
        var defaultLeft: Bool
        var gain: Double
        var leftGradient: Double, leftHessian: Double
    }

    static let slotsPerFeature = 256

    let parameters: Parameters
    let bins: FeatureBins
    let featureCount: Int
    /// Histograms, two per depth level (one per child), each `featureCount * 256` (gradient, hessian) pairs.
    private var pool: [Double]
    private var scratch: [Int32]
    private var tree = TreeEnsembleModel.Tree(leftChildren: [], rightChildren: [], featureIndices: [], thresholds: [], defaultLeft: [], leafValues: [])
    /// Per node, the bin a row must be at or below to go left (-1 for leaves).
    private var splitBins: [Int] = []

    init(parameters: Parameters, bins: FeatureBins, featureCount: Int, rowCount: Int) {
        self.parameters = parameters
        self.bins = bins
        self.featureCount = featureCount
        pool = [Double](repeating: 0, count: (parameters.maxDepth + 1) * 2 * Self.histogramSize(featureCount))
        scratch = [Int32](repeating: 0, count: rowCount)
    }

    static func histogramSize(_ featureCount: Int) -> Int {
        featureCount * slotsPerFeature * 2
    }

    /// Grows a tree over `rows` (indices into the binned matrix) using only `features`.
    ///
    /// - Returns: The tree, and per node the bin split (for updating training margins cheaply).
    mutating func grow(rows: inout [Int32], gradients: [Double], hessians: [Double], features: [Int]) -> (tree: TreeEnsembleModel.Tree, splitBins: [Int]) {
        tree = TreeEnsembleModel.Tree(leftChildren: [], rightChildren: [], featureIndices: [], thresholds: [], defaultLeft: [], leafValues: [])
        splitBins = []
        var sumGradient = 0.0, sumHessian = 0.0
        for row in rows {
            sumGradient += gradients[Int(row)]
            sumHessian += hessians[Int(row)]
        }
        buildHistogram(slot: 0, rows: rows[...], gradients: gradients, hessians: hessians)
        _ = node(slot: 0, rows: &rows, range: 0..<rows.count, depth: 0, gradient: sumGradient, hessian: sumHessian,
                 gradients: gradients, hessians: hessians, features: features)
        return (tree, splitBins)
    }

    private mutating func node(
        slot: Int, rows: inout [Int32], range: Range<Int>, depth: Int, gradient: Double, hessian: Double,
        gradients: [Double], hessians: [Double], features: [Int]
    ) -> Int32 {
        let index = tree.nodeCount
        tree.leftChildren.append(-1)
        tree.rightChildren.append(-1)
        tree.featureIndices.append(0)
        tree.thresholds.append(0)
        tree.defaultLeft.append(false)
        tree.leafValues.append(0)
        splitBins.append(-1)
        guard depth < parameters.maxDepth, range.count >= 2, hessian >= 2 * parameters.minChildWeight,
              let split = bestSplit(slot: slot, gradient: gradient, hessian: hessian, features: features)
        else {
            tree.leafValues[index] = Float(-gradient / (hessian + parameters.lambda) * parameters.learningRate)
            return Int32(index)
        }
        // Stable partition: rows going left first, in their original order.
        var leftCount = 0
        let width = featureCount
        bins.binned.withUnsafeBufferPointer { binned in
            for position in range {
                let row = rows[position]
                let bin = binned[Int(row) * width + split.feature]
                let goesLeft = bin == FeatureBins.missingBin ? split.defaultLeft : Int(bin) <= split.bin
                if goesLeft {
                    rows[range.lowerBound + leftCount] = row
                    leftCount += 1
                } else {
                    scratch[position - leftCount] = row
                }
            }
        }
        let rightCount = range.count - leftCount
        for offset in 0..<rightCount {
            rows[range.lowerBound + leftCount + offset] = scratch[range.lowerBound + offset]
        }
        let leftRange = range.lowerBound..<range.lowerBound + leftCount, rightRange = leftRange.upperBound..<range.upperBound
        let leftSlot = (depth + 1) * 2, rightSlot = leftSlot + 1
        let (smallRange, smallSlot, largeSlot) = leftCount <= rightCount
            ? (leftRange, leftSlot, rightSlot) : (rightRange, rightSlot, leftSlot)
        // Children at the last level become leaves and need no histogram.
        if depth + 1 < parameters.maxDepth {
            buildHistogram(slot: smallSlot, rows: rows[smallRange], gradients: gradients, hessians: hessians)
            subtract(parent: slot, small: smallSlot, into: largeSlot)
        }

        tree.featureIndices[index] = Int32(split.feature)
        tree.thresholds[index] = bins.cuts[split.feature][split.bin]
        tree.defaultLeft[index] = split.defaultLeft
        splitBins[index] = split.bin
        let left = node(slot: leftSlot, rows: &rows, range: leftRange, depth: depth + 1,
                        gradient: split.leftGradient, hessian: split.leftHessian,
                        gradients: gradients, hessians: hessians, features: features)
        let right = node(slot: rightSlot, rows: &rows, range: rightRange, depth: depth + 1,
                         gradient: gradient - split.leftGradient, hessian: hessian - split.leftHessian,
                         gradients: gradients, hessians: hessians, features: features)
        tree.leftChildren[index] = left
        tree.rightChildren[index] = right
        return Int32(index)
    }

    private func score(_ gradient: Double, _ hessian: Double) -> Double {
        gradient * gradient / (hessian + parameters.lambda)
    }

    /// The split with the largest gain over all features, bins and both missing-value directions.
    private func bestSplit(slot: Int, gradient: Double, hessian: Double, features: [Int]) -> Split? {
        var best: Split?
        let parentScore = score(gradient, hessian), minimum = parameters.minChildWeight
        let base = slot * Self.histogramSize(featureCount)
        pool.withUnsafeBufferPointer { pool in
            for feature in features {
                let cutCount = bins.cuts[feature].count
                guard cutCount > 0 else { continue }
                let histogram = pool.baseAddress! + base + feature * Self.slotsPerFeature * 2
                let missingGradient = histogram[Int(FeatureBins.missingBin) * 2]
                let missingHessian = histogram[Int(FeatureBins.missingBin) * 2 + 1]
                var leftGradient = 0.0, leftHessian = 0.0
                for bin in 0..<cutCount {
                    leftGradient += histogram[bin * 2]
                    leftHessian += histogram[bin * 2 + 1]
                    // Missing values left first, so that without missing values the default is left.
                    for option in 0..<(missingHessian > 0 ? 2 : 1) {
                        let defaultLeft = option == 0
                        let gl = leftGradient + (defaultLeft ? missingGradient : 0)
                        let hl = leftHessian + (defaultLeft ? missingHessian : 0)
                        let hr = hessian - hl
                        guard hl >= minimum, hr >= minimum else { continue }
                        let gain = 0.5 * (score(gl, hl) + score(gradient - gl, hr) - parentScore)
                        if gain > parameters.minSplitGain && gain > (best?.gain ?? 1e-12) {
                            best = Split(feature: feature, bin: bin, defaultLeft: defaultLeft, gain: gain, leftGradient: gl, leftHessian: hl)
                        }
                    }
                }
            }
        }
        return best
    }

    private mutating func buildHistogram(slot: Int, rows: ArraySlice<Int32>, gradients: [Double], hessians: [Double]) {
        let size = Self.histogramSize(featureCount), width = featureCount
        let base = slot * size
        pool.withUnsafeMutableBufferPointer { pool in
            let histogram = pool.baseAddress! + base
            histogram.update(repeating: 0, count: size)
            bins.binned.withUnsafeBufferPointer { binned in
                gradients.withUnsafeBufferPointer { gradients in
                    hessians.withUnsafeBufferPointer { hessians in
                        for row in rows {
                            let g = gradients[Int(row)], h = hessians[Int(row)]
                            let rowBins = binned.baseAddress! + Int(row) * width
                            for feature in 0..<width {
                                let cell = histogram + (feature * Self.slotsPerFeature + Int(rowBins[feature])) * 2
                                cell[0] += g
                                cell[1] += h
                            }
                        }
                    }
                }
            }
        }
    }

    private mutating func subtract(parent: Int, small: Int, into large: Int) {
        let size = Self.histogramSize(featureCount)
        pool.withUnsafeMutableBufferPointer { pool in
            let p = pool.baseAddress! + parent * size, s = pool.baseAddress! + small * size, l = pool.baseAddress! + large * size
            for index in 0..<size {
                l[index] = p[index] - s[index]
            }
        }
    }
}
