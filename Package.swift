// swift-tools-version: 6.1
import PackageDescription

let strictConcurrency: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "fraudstream",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fraudstream", targets: ["fraudstream"]),
        .library(name: "Kafka", targets: ["Kafka"]),
        .library(name: "Postgres", targets: ["Postgres"]),
        .library(name: "FraudCore", targets: ["FraudCore"]),
        .library(name: "Generator", targets: ["Generator"]),
        .library(name: "FraudModel", targets: ["FraudModel"]),
        .library(name: "FraudPipeline", targets: ["FraudPipeline"]),
        .library(name: "Observability", targets: ["Observability"]),
        .library(name: "Dashboard", targets: ["Dashboard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms", from: "1.1.4"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // C libraries, as thin system-library targets.
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),

        // Threads of their own for blocking calls, shared by the wrappers.
        .target(name: "Threading", swiftSettings: strictConcurrency),

        // Swift wrappers: each owns every call into its C library.
        .target(
            name: "Kafka",
            dependencies: [
                "CRdKafka",
                "Threading",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: strictConcurrency
        ),
        .target(
            name: "Postgres",
            dependencies: [
                "CLibPQ",
                "Threading",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictConcurrency
        ),

        // The domain: pure Swift, no I/O.
        .target(
            name: "FraudCore",
            swiftSettings: strictConcurrency
        ),

        // Models: scoring, training, XGBoost import, evaluation. Pure Swift.
        .target(name: "FraudModel", swiftSettings: strictConcurrency),

        // The transaction simulator behind `fraudstream generate`.
        .target(
            name: "Generator",
            dependencies: [
                "FraudCore",
                "Kafka",
                "Threading",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictConcurrency
        ),

        // Sources → partition actors → model → sinks; the database schema.
        .target(
            name: "FraudPipeline",
            dependencies: [
                "FraudCore",
                "FraudModel",
                "Kafka",
                "Postgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictConcurrency
        ),

        // The worker's HTTP face for operators: Prometheus `/metrics`, `/healthz`, `/readyz`, and
        // the status row each worker keeps in PostgreSQL.
        .target(
            name: "Observability",
            dependencies: [
                "FraudPipeline",
                "Kafka",
                "Postgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictConcurrency
        ),

        // The analysts' page and its JSON endpoints, read from PostgreSQL.
        .target(
            name: "Dashboard",
            dependencies: [
                "FraudPipeline",
                "Postgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            resources: [.copy("Assets")],
            swiftSettings: strictConcurrency
        ),

        // `fraudstream loadtest`: throughput, latency and the machine's ceilings, with a report.
        .target(
            name: "LoadTest",
            dependencies: [
                "FraudPipeline",
                "FraudModel",
                "Kafka",
                "Postgres",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictConcurrency
        ),

        .executableTarget(
            name: "fraudstream",
            dependencies: [
                "Kafka",
                "Postgres",
                "FraudCore",
                "Generator",
                "FraudPipeline",
                "FraudModel",
                "LoadTest",
                "Observability",
                "Dashboard",
                "CRdKafka",
                "CLibPQ",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            resources: [.copy("Resources/default-model.json")],
            swiftSettings: strictConcurrency
        ),

        // Helpers shared by the test targets: the database `make test` starts.
        .target(
            name: "TestSupport",
            dependencies: ["Postgres", .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport",
            swiftSettings: strictConcurrency
        ),
        .testTarget(name: "KafkaTests", dependencies: ["Kafka"], swiftSettings: strictConcurrency),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"], swiftSettings: strictConcurrency),
        .testTarget(name: "FraudPipelineTests", dependencies: ["FraudPipeline", "FraudCore", "FraudModel", "Kafka", "Postgres", "TestSupport"], swiftSettings: strictConcurrency),
        .testTarget(name: "FraudCoreTests", dependencies: ["FraudCore"], swiftSettings: strictConcurrency),
        .testTarget(name: "FraudModelTests", dependencies: ["FraudModel"], exclude: ["Fixtures"], swiftSettings: strictConcurrency),
        .testTarget(
            name: "ObservabilityTests",
            dependencies: [
                "Observability", "FraudPipeline", "Kafka", "Postgres", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictConcurrency
        ),
        .testTarget(
            name: "DashboardTests",
            dependencies: [
                "Dashboard", "FraudPipeline", "Postgres", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strictConcurrency
        ),
        .testTarget(
            name: "ComposeTests",
            dependencies: [
                "fraudstream", "Observability", "FraudPipeline", "Kafka",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictConcurrency
        ),
        .testTarget(name: "LoadTestTests", dependencies: ["LoadTest", "Kafka"], swiftSettings: strictConcurrency),
        .testTarget(name: "GeneratorTests", dependencies: ["Generator", "FraudCore", "Kafka"], swiftSettings: strictConcurrency),
        .testTarget(
            name: "FraudstreamCLITests",
            dependencies: ["fraudstream", "Kafka", "Postgres", "FraudPipeline", "FraudCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictConcurrency
        ),
    ],
    swiftLanguageModes: [.v6]
)
