import Benchmark
import FraudModel

/// Batch inference, as the scorer runs it: 1,024 rows of 25 features per call, into a reused
/// buffer. The tree ensemble is measured on rows without missing values (the feature engine
/// writes none) and with 3 % of values missing (imported models may expect NaN). Names have no spaces: the tool reads stored thresholds by the raw
/// name but writes them with spaces replaced.
///
/// Each measured iteration scores one batch, so throughput is in batches per second
/// (multiply by 1,024 for rows per second) and malloc counts are per batch.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        maxDuration: .seconds(3),
        maxIterations: 1_000_000,
        // Timing on a shared 2-core machine varies by 40 % when other work runs, so only a halving
        // of speed fails the check; allocation counts are exact and must not change.
        thresholds: [
            .throughput: BenchmarkThresholds(relative: [.p90: 50.0]),
            .wallClock: BenchmarkThresholds(relative: [.p90: 50.0]),
            .mallocCountTotal: BenchmarkThresholds(absolute: [.p90: 0]),
        ]
    )

    let featureCount = 25, batchRows = 1_024
    var random = LinearCongruential(seed: 2_024)
    let features = (0..<batchRows * featureCount).map { _ in random.unit() }
    let featuresWithMissing = features.map { random.unit() < 0.03 ? .nan : $0 }
    // Allocated once: the measured closure runs once per iteration, and an array made there
    // would count as an allocation of the scoring.
    nonisolated(unsafe) let scores = UnsafeMutableBufferPointer<Double>.allocate(capacity: batchRows)
    let ensemble = try! TreeEnsembleModel(
        featureCount: featureCount, baseMargin: -3.5,
        trees: (0..<100).map { _ in fullTree(depth: 6, featureCount: featureCount, random: &random) })
    let logistic = try! LogisticRegressionModel(
        means: (0..<featureCount).map { _ in random.unit() }, standardDeviations: Array(repeating: 0.3, count: featureCount),
        weights: (0..<featureCount).map { _ in random.unit() - 0.5 }, bias: -3)

    Benchmark("TreeEnsembleModel.score-100-trees-depth-6-batch-1024") { benchmark in
        for _ in benchmark.scaledIterations {
            features.withUnsafeBufferPointer { ensemble.score($0, rowCount: batchRows, into: scores) }
            blackHole(scores[0])
        }
    }

    Benchmark("TreeEnsembleModel.score-100-trees-depth-6-batch-1024-missing-values") { benchmark in
        for _ in benchmark.scaledIterations {
            featuresWithMissing.withUnsafeBufferPointer { ensemble.score($0, rowCount: batchRows, into: scores) }
            blackHole(scores[0])
        }
    }

    Benchmark("LogisticRegressionModel.score-batch-1024") { benchmark in
        for _ in benchmark.scaledIterations {
            features.withUnsafeBufferPointer { logistic.score($0, rowCount: batchRows, into: scores) }
            blackHole(scores[0])
        }
    }
}

/// A complete tree: every row walks the full depth, the slowest case for a given depth.
func fullTree(depth: Int, featureCount: Int, random: inout LinearCongruential) -> TreeEnsembleModel.Tree {
    let nodeCount = (1 << (depth + 1)) - 1, splitCount = (1 << depth) - 1
    let nodes = 0..<nodeCount
    return TreeEnsembleModel.Tree(
        leftChildren: nodes.map { $0 < splitCount ? Int32(2 * $0 + 1) : -1 },
        rightChildren: nodes.map { $0 < splitCount ? Int32(2 * $0 + 2) : -1 },
        featureIndices: nodes.map { _ in Int32(random.unit() * Double(featureCount)) },
        thresholds: nodes.map { _ in Float(random.unit()) },
        defaultLeft: nodes.map { _ in random.unit() < 0.5 },
        leafValues: nodes.map { _ in Float(random.unit() - 0.5) * 0.2 })
}

/// A tiny seeded generator, so that every run benchmarks the same model and rows.
struct LinearCongruential {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func unit() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) * 0x1p-53
    }
}
