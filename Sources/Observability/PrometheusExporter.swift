import FraudPipeline
import Metrics
import Prometheus
import Synchronization

/// Renders a worker's ``FraudPipeline/WorkerMetrics`` in the Prometheus text exposition format,
/// for `GET /metrics`.
///
/// Two kinds of figures, fed two ways:
/// - the histograms (`fraudstream_end_to_end_latency_seconds`, `fraudstream_scoring_latency_seconds`,
///   `fraudstream_sink_write_duration_seconds`, `fraudstream_sink_batch_rows`) are fed per observation by the worker itself, through the
///   swift-metrics handles ``FraudPipeline/WorkerMetrics`` makes from ``metricsFactory(registry:)``;
/// - the counters and gauges are brought up to date from one ``FraudPipeline/WorkerMetrics/snapshot()``
///   at each scrape, so they agree with the snapshot exactly and cost nothing between scrapes.
///   A counter is raised by what its snapshot total grew since the previous scrape, so it never
///   goes down; per-partition gauges exist for the partitions assigned now and are removed when
///   a partition goes away.
///
/// ```swift
/// let registry = PrometheusCollectorRegistry()
/// let metrics = WorkerMetrics(factory: PrometheusExporter.metricsFactory(registry: registry))
/// let exporter = PrometheusExporter(metrics: metrics, registry: registry)
/// let text = exporter.scrape()
/// ```
///
/// - Important: Use one registry per worker, and do not bootstrap `MetricsSystem` with it for
///   other code: its metric names are this exporter's.
public final class PrometheusExporter: Sendable {
    /// The counters, by Prometheus name, and the snapshot total each one follows.
    static let counters: [(name: String, total: @Sendable (WorkerMetrics.Snapshot) -> Int64)] = [
        ("fraudstream_transactions_consumed_total", { Int64($0.consumed) }),
        ("fraudstream_transactions_scored_total", { Int64($0.scored) }),
        ("fraudstream_transactions_written_total", { Int64($0.written) }),
        ("fraudstream_transactions_flagged_total", { Int64($0.flagged) }),
        ("fraudstream_messages_rejected_total", { Int64($0.rejected) }),
        ("fraudstream_transactions_late_total", { Int64($0.late) }),
        ("fraudstream_transactions_duplicate_total", { Int64($0.duplicates) }),
        ("fraudstream_records_lost_to_retention_total", { $0.lostToRetention }),
        ("fraudstream_sink_retries_total", { Int64($0.sinkRetries) }),
        ("fraudstream_checkpoints_total", { Int64($0.checkpoints) }),
        ("fraudstream_labels_total", { Int64($0.labels) }),
        ("fraudstream_model_swaps_total", { Int64($0.modelSwaps) }),
        ("fraudstream_end_to_end_latency_overflow_total", { Int64($0.latencyOverflow) }),
        ("fraudstream_partitions_stopped_total", { Int64($0.stoppedPartitions) }),
        ("fraudstream_writes_fenced_total", { Int64($0.fencedWrites) }),
        ("fraudstream_outbox_sent_total", { Int64($0.outboxSent) }),
    ]

    /// The worker's counters, read at each scrape.
    public let metrics: WorkerMetrics
    /// Where every metric of this exporter is registered.
    public let registry: PrometheusCollectorRegistry

    /// The handles, touched only under the lock so that concurrent scrapes do not both raise
    /// a counter by the same growth.
    private struct State {
        var counters: [Metrics.Counter]
        var exported: [Int64]
        var assignedPartitions: Metrics.Gauge
        var databaseAvailable: Metrics.Gauge
        var lag: [Int32: Metrics.Gauge] = [:]
        var checkpointAge: [Int32: Metrics.Gauge] = [:]
        var modelInfo: (version: String, gauge: Metrics.Gauge)?
    }
    private let factory: PrometheusMetricsFactory
    private let state: Mutex<State>

    /// A swift-metrics factory on `registry` with this exporter's histogram buckets; give it to
    /// ``FraudPipeline/WorkerMetrics/init(factory:modelVersion:)`` so that the histograms are
    /// fed per observation.
    /// - Parameter registry: The registry the exporter will read.
    public static func metricsFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        let latency: [Duration] = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
            .seconds(30), .seconds(60),
        ]
        let write: [Duration] = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        factory.durationHistogramBuckets = [
            WorkerMetrics.Label.endToEndLatency: latency,
            WorkerMetrics.Label.scoringLatency: latency,
            WorkerMetrics.Label.sinkWriteDuration: write,
        ]
        factory.valueHistogramBuckets = [
            WorkerMetrics.Label.sinkBatchRows: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000],
        ]
        return factory
    }

    /// Creates the exporter and registers its counters and gauges.
    /// - Parameters:
    ///   - metrics: The worker's counters, made with ``metricsFactory(registry:)`` on `registry`
    ///     for the histograms to appear.
    ///   - registry: The registry to render.
    public init(metrics: WorkerMetrics, registry: PrometheusCollectorRegistry) {
        let factory = Self.metricsFactory(registry: registry)
        self.metrics = metrics
        self.registry = registry
        self.factory = factory
        state = Mutex(State(
            counters: Self.counters.map { Metrics.Counter(label: $0.name, factory: factory) },
            exported: Array(repeating: 0, count: Self.counters.count),
            assignedPartitions: Metrics.Gauge(label: "fraudstream_assigned_partitions", factory: factory),
            databaseAvailable: Metrics.Gauge(label: "fraudstream_database_available", factory: factory)))
    }

    /// Brings the counters and gauges up to date and renders every metric of the registry.
    /// - Parameter now: The time checkpoint ages are measured to.
    /// - Returns: The text exposition format (version 0.0.4), UTF-8.
    public func scrape(now: ContinuousClock.Instant = .now) -> [UInt8] {
        let snapshot = metrics.snapshot()
        return state.withLock { state in
            update(&state, from: snapshot, now: now)
            return registry.emitToBuffer()
        }
    }

    private func update(_ state: inout State, from snapshot: WorkerMetrics.Snapshot, now: ContinuousClock.Instant) {
        for (index, counter) in Self.counters.enumerated() {
            let total = counter.total(snapshot)
            let grown = total - state.exported[index]
            if grown > 0 {
                state.counters[index].increment(by: Int(grown))
                state.exported[index] = total
            }
        }
        state.assignedPartitions.record(snapshot.assignedPartitions)
        state.databaseAvailable.record(snapshot.databaseUnavailable ? 0 : 1)

        let lag = snapshot.lagByPartition
        sync(&state.lag, label: "fraudstream_consumer_lag", to: lag.mapValues(Double.init))
        var ages: [Int32: Double] = [:]
        for partition in lag.keys {
            ages[partition] = snapshot.checkpointAge(ofPartition: partition, at: now)
        }
        sync(&state.checkpointAge, label: "fraudstream_checkpoint_age_seconds", to: ages)

        if state.modelInfo?.version != snapshot.modelVersion {
            state.modelInfo?.gauge.destroy()
            state.modelInfo = nil
            if !snapshot.modelVersion.isEmpty {
                let gauge = Metrics.Gauge(label: "fraudstream_model_info", dimensions: [("version", snapshot.modelVersion)], factory: factory)
                gauge.record(1)
                state.modelInfo = (snapshot.modelVersion, gauge)
            }
        }
    }

    /// Sets one gauge per partition in `values`, making missing ones and removing the others.
    private func sync(_ gauges: inout [Int32: Metrics.Gauge], label: String, to values: [Int32: Double]) {
        for (partition, gauge) in gauges where values[partition] == nil {
            gauge.destroy()
            gauges[partition] = nil
        }
        for (partition, value) in values {
            let gauge = gauges[partition] ?? {
                let made = Metrics.Gauge(label: label, dimensions: [("partition", String(partition))], factory: factory)
                gauges[partition] = made
                return made
            }()
            gauge.record(value)
        }
    }
}
