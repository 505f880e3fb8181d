/// One run of ``GradientBoostingTrainer``: the mutable state of training.
struct BoostingRun {
    let configuration: GradientBoostingTrainer.Configuration
    let features: ModelFeatureMatrix
    let labels: [Bool]
    let validation: (features: ModelFeatureMatrix, labels: [Bool])?
    let positiveWeight: Double

    func run() throws(ModelError) -> GradientBoostingTrainer.Result {
        let rowCount = features.rowCount, width = features.featureCount
        let bins = FeatureBins(features, maxBins: configuration.maxBins)
        var builder = HistogramTreeBuilder(
            parameters: .init(maxDepth: configuration.maxDepth, learningRate: configuration.learningRate, lambda: configuration.lambda,
                              minChildWeight: configuration.minChildWeight, minSplitGain: configuration.minSplitGain),
            bins: bins, featureCount: width, rowCount: rowCount)
        var generator = SplitMix64(seed: configuration.seed)
        let weights = labels.map { $0 ? positiveWeight : 1 }
        let weightedPositives = zip(labels, weights).reduce(0.0) { $0 + ($1.0 ? $1.1 : 0) }
        let baseRate = min(max(weightedPositives / weights.reduce(0, +), 1e-6), 1 - 1e-6)
        let baseMargin = logit(baseRate)

        var margins = [Double](repeating: baseMargin, count: rowCount)
        var gradients = [Double](repeating: 0, count: rowCount), hessians = gradients
        var validationMargins = [Double](repeating: baseMargin, count: validation?.features.rowCount ?? 0)
        var treeMargins = validationMargins
        var trees: [TreeEnsembleModel.Tree] = [], history: [Double] = []
        var best = (iteration: 0, value: Double.infinity)
        var rows: [Int32] = []
        rows.reserveCapacity(rowCount)
        let columnCount = max(1, Int((configuration.columnSubsample * Double(width)).rounded()))

        for iteration in 0..<configuration.numberOfTrees {
            for row in 0..<rowCount {
                let p = sigmoid(margins[row]), y: Double = labels[row] ? 1 : 0
                gradients[row] = weights[row] * (p - y)
                hessians[row] = max(weights[row] * p * (1 - p), 1e-16)
            }
            rows.removeAll(keepingCapacity: true)
            for row in 0..<rowCount where configuration.rowSubsample >= 1 || generator.nextUnit() < configuration.rowSubsample {
                rows.append(Int32(row))
            }
            var columns = Array(0..<width)
            if columnCount < width {
                columns.shuffle(using: &generator)
                columns = columns.prefix(columnCount).sorted()
            }
            let (tree, splitBins) = builder.grow(rows: &rows, gradients: gradients, hessians: hessians, features: columns)
            trees.append(tree)
            Self.addTree(tree, splitBins: splitBins, binned: bins.binned, width: width, to: &margins)

            guard let validation else { continue }
            let packed = PackedTrees([tree])
            validation.features.values.withUnsafeBufferPointer { values in
                treeMargins.withUnsafeMutableBufferPointer { out in
                    packed.margins(values, featureCount: width, rowCount: validation.features.rowCount, baseMargin: 0, into: out)
                }
            }
            for row in validationMargins.indices {
                validationMargins[row] += treeMargins[row]
            }
            let value = Self.loss(margins: validationMargins, labels: validation.labels,
                                  metric: configuration.earlyStopping?.metric ?? .logLoss)
            history.append(value.reported)
            if value.loss < best.value || iteration < (configuration.earlyStopping?.minimumTrees ?? 1) {
                best = (iteration, value.loss)
            } else if let earlyStopping = configuration.earlyStopping, iteration - best.iteration >= earlyStopping.rounds {
                break
            }
        }
        let kept = configuration.earlyStopping == nil ? trees.count : best.iteration + 1
        let model = try TreeEnsembleModel(featureCount: width, baseMargin: baseMargin, trees: Array(trees.prefix(kept)))
        return .init(model: model, bestIteration: kept - 1, treesGrown: trees.count, validationHistory: history)
    }

    /// Adds a new tree's leaf values to the training margins, walking it on the bins.
    private static func addTree(_ tree: TreeEnsembleModel.Tree, splitBins: [Int], binned: [UInt8], width: Int, to margins: inout [Double]) {
        for row in margins.indices {
            var node = 0
            while tree.leftChildren[node] != -1 {
                let bin = binned[row * width + Int(tree.featureIndices[node])]
                let goesLeft = bin == FeatureBins.missingBin ? tree.defaultLeft[node] : Int(bin) <= splitBins[node]
                node = Int(goesLeft ? tree.leftChildren[node] : tree.rightChildren[node])
            }
            margins[row] += Double(tree.leafValues[node])
        }
    }

    /// The validation figure as reported, and as a loss to minimise.
    private static func loss(
        margins: [Double], labels: [Bool], metric: GradientBoostingTrainer.Configuration.EarlyStopping.Metric
    ) -> (reported: Double, loss: Double) {
        switch metric.kind {
        case .logLoss:
            var total = 0.0
            for (margin, label) in zip(margins, labels) {
                let p = min(max(sigmoid(margin), 1e-15), 1 - 1e-15)
                total -= label ? naturalLog(p) : naturalLog(1 - p)
            }
            let value = total / Double(margins.count)
            return (value, value)
        case .averagePrecision:
            let value = BinaryClassificationMetrics.averagePrecision(scores: margins, labels: labels) ?? 0
            return (value, -value)
        }
    }
}
