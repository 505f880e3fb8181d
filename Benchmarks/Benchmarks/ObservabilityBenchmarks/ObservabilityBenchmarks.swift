import Benchmark
import FraudPipeline
import Kafka
import Observability
import Prometheus

/// What observing a worker costs: one `/metrics` scrape with 160 partitions assigned (a lag
/// and a checkpoint-age series each, the histograms filled), and recording the end-to-end
/// latencies of one 5,000-row write with and without the Prometheus histogram handles.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        maxDuration: .seconds(3),
        maxIterations: 100_000,
        // As the other areas: timing on a shared 2-core machine varies by 40 %, so only a halving
        // of speed fails the check; allocation counts may not grow by more than 5 %.
        thresholds: [
            .throughput: BenchmarkThresholds(relative: [.p90: 50.0]),
            .wallClock: BenchmarkThresholds(relative: [.p90: 50.0]),
            .mallocCountTotal: BenchmarkThresholds(relative: [.p90: 5.0]),
        ]
    )

    let registry = PrometheusCollectorRegistry()
    let metrics = WorkerMetrics(factory: PrometheusExporter.metricsFactory(registry: registry), modelVersion: "benchmark")
    let exporter = PrometheusExporter(metrics: metrics, registry: registry)
    let lag = Dictionary(uniqueKeysWithValues: (0..<160).map { (KafkaTopicPartition(topic: "transactions", partition: Int32($0)), Int64($0)) })
    metrics.setLagSource { lag }
    metrics.recordCheckpoints((0..<160).map(Int32.init))
    metrics.recordLatencies((0..<10_000).map { UInt64($0 * 100) })

    Benchmark("PrometheusExporter.scrape-160-partitions") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(exporter.scrape())
        }
    }

    let write = (0..<5_000).map { UInt64(1_000 + $0 * 10) }
    let plain = WorkerMetrics()
    Benchmark("WorkerMetrics.recordLatencies-5000-without-handles") { benchmark in
        for _ in benchmark.scaledIterations {
            plain.recordLatencies(write)
        }
    }
    Benchmark("WorkerMetrics.recordLatencies-5000-with-prometheus") { benchmark in
        for _ in benchmark.scaledIterations {
            metrics.recordLatencies(write)
        }
    }
}
