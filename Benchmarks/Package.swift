// swift-tools-version: 6.1
// Benchmarks live in their own package so that `swift build` and `swift test` at the root
// do not build the benchmark toolchain. Run from this folder:
//   swift package benchmark                          # every area
//   swift package benchmark --target CodecBenchmarks # one area
//   swift package benchmark thresholds check         # compare with Thresholds/
import PackageDescription

/// One benchmark executable per area, using the given products of the root package.
func benchmarks(_ name: String, using products: [String], also others: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: products.map { .product(name: $0, package: "fraudstream") } + others + [.product(name: "Benchmark", package: "benchmark")],
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

let package = Package(
    name: "fraudstream-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named, because a path dependency's identity is otherwise its folder's name,
        // which differs between checkouts.
        .package(name: "fraudstream", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        // The root package's version, for the exporter's registry.
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        benchmarks("CodecBenchmarks", using: ["FraudCore"]),
        benchmarks("GeneratorBenchmarks", using: ["FraudCore", "Generator"]),
        benchmarks("FeatureBenchmarks", using: ["FraudCore"]),
        benchmarks("ModelBenchmarks", using: ["FraudModel"]),
        benchmarks("PipelineBenchmarks", using: ["FraudCore", "FraudModel", "FraudPipeline", "Generator", "Kafka"]),
        benchmarks(
            "ObservabilityBenchmarks", using: ["FraudPipeline", "Kafka", "Observability"],
            also: [.product(name: "Prometheus", package: "swift-prometheus")]),
    ],
    swiftLanguageModes: [.v6]
)
