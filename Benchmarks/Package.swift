// swift-tools-version: 6.1
// Benchmarks live in their own package so that `swift build` and `swift test` at the root
// do not build the benchmark toolchain. Run from this folder:
//   swift package benchmark --target CodecBenchmarks
//   swift package benchmark --target GeneratorBenchmarks
//   swift package benchmark --target FeatureBenchmarks
//   swift package benchmark --target ModelBenchmarks
import PackageDescription

let package = Package(
    name: "fraudstream-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named, because a path dependency's identity is otherwise its folder's name,
        // which differs between checkouts.
        .package(name: "fraudstream", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "CodecBenchmarks",
            dependencies: [
                .product(name: "FraudCore", package: "fraudstream"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/CodecBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "GeneratorBenchmarks",
            dependencies: [
                .product(name: "FraudCore", package: "fraudstream"),
                .product(name: "Generator", package: "fraudstream"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/GeneratorBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "FeatureBenchmarks",
            dependencies: [
                .product(name: "FraudCore", package: "fraudstream"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/FeatureBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ModelBenchmarks",
            dependencies: [
                .product(name: "FraudModel", package: "fraudstream"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/ModelBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
