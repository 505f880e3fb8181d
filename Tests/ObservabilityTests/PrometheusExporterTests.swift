@testable import FraudPipeline
import Kafka
import Observability
import Prometheus
import Synchronization
import TestSupport
import Testing

@Suite("Prometheus exposition of the worker's metrics")
struct PrometheusExporterTests {
    /// A worker's metrics and exporter on a registry of their own.
    private static func make(modelVersion: String = "model-1") -> (WorkerMetrics, PrometheusExporter) {
        let registry = PrometheusCollectorRegistry()
        let metrics = WorkerMetrics(factory: PrometheusExporter.metricsFactory(registry: registry), modelVersion: modelVersion)
        return (metrics, PrometheusExporter(metrics: metrics, registry: registry))
    }

    private static func scrape(_ exporter: PrometheusExporter, now: ContinuousClock.Instant = .now) throws -> PrometheusSamples {
        try PrometheusSamples(parsing: String(decoding: exporter.scrape(now: now), as: UTF8.self))
    }

    static let counterNames = [
        "fraudstream_transactions_consumed_total", "fraudstream_transactions_scored_total",
        "fraudstream_transactions_written_total", "fraudstream_transactions_flagged_total",
        "fraudstream_messages_rejected_total", "fraudstream_transactions_late_total",
        "fraudstream_transactions_duplicate_total", "fraudstream_records_lost_to_retention_total",
        "fraudstream_sink_retries_total", "fraudstream_checkpoints_total", "fraudstream_labels_total",
        "fraudstream_model_swaps_total", "fraudstream_end_to_end_latency_overflow_total",
        "fraudstream_partitions_stopped_total", "fraudstream_writes_fenced_total", "fraudstream_outbox_sent_total",
    ]
    static let gaugeNames = [
        "fraudstream_consumer_lag", "fraudstream_assigned_partitions", "fraudstream_checkpoint_age_seconds",
        "fraudstream_database_available", "fraudstream_model_info",
    ]
    static let histogramNames = [
        "fraudstream_end_to_end_latency_seconds", "fraudstream_scoring_latency_seconds", "fraudstream_sink_write_duration_seconds",
        "fraudstream_sink_batch_rows",
    ]

    @Test("every metric of the contract is exposed once, with its type, and nothing else")
    func namesAndTypes() throws {
        let (metrics, exporter) = Self.make()
        metrics.setLagSource { [KafkaTopicPartition(topic: "transactions", partition: 3): 7] }
        metrics.recordCheckpoints([3])
        metrics.recordLatencies([1_000])
        metrics.recordScoringLatencies(recordTimestamps: [1_000], scoredAt: 1_001)
        metrics.recordSinkWrite(duration: .milliseconds(3), rows: 1)
        let samples = try Self.scrape(exporter)
        var expected: [String: String] = [:]
        for name in Self.counterNames { expected[name] = "counter" }
        for name in Self.gaugeNames { expected[name] = "gauge" }
        for name in Self.histogramNames { expected[name] = "histogram" }
        #expect(samples.types == expected)
        for sample in samples.samples {
            let family = Self.histogramNames.first { sample.name.hasPrefix($0) } ?? sample.name
            #expect(expected[family] != nil, "unexpected sample \(sample.name)")
        }
    }

    @Test("counters and gauges agree with the snapshot at each scrape; a smaller snapshot leaves every counter where it was")
    func countersFollowTheSnapshot() throws {
        let (metrics, exporter) = Self.make()
        let zero = try Self.scrape(exporter)
        for name in Self.counterNames { #expect(zero.value(name) == 0, "\(name)") }
        #expect(zero.value("fraudstream_database_available") == 1)
        #expect(zero.value("fraudstream_assigned_partitions") == 0)

        metrics.update { counters in
            counters.consumed = 120; counters.scored = 110; counters.written = 100; counters.flagged = 7
            counters.rejected = 3; counters.late = 2; counters.duplicates = 1; counters.lostToRetention = 5
            counters.sinkRetries = 4; counters.checkpoints = 6; counters.labels = 9; counters.modelSwaps = 1
            counters.latencyOverflow = 8; counters.stoppedPartitions = 2; counters.fencedWrites = 3; counters.outboxSent = 11
            counters.assignedPartitions = 2; counters.databaseUnavailable = true
        }
        let first = try Self.scrape(exporter)
        let expected: [String: Double] = [
            "fraudstream_transactions_consumed_total": 120, "fraudstream_transactions_scored_total": 110,
            "fraudstream_transactions_written_total": 100, "fraudstream_transactions_flagged_total": 7,
            "fraudstream_messages_rejected_total": 3, "fraudstream_transactions_late_total": 2,
            "fraudstream_transactions_duplicate_total": 1, "fraudstream_records_lost_to_retention_total": 5,
            "fraudstream_sink_retries_total": 4, "fraudstream_checkpoints_total": 6, "fraudstream_labels_total": 9,
            "fraudstream_model_swaps_total": 1, "fraudstream_end_to_end_latency_overflow_total": 8,
            "fraudstream_partitions_stopped_total": 2, "fraudstream_writes_fenced_total": 3, "fraudstream_outbox_sent_total": 11,
        ]
        for (name, value) in expected { #expect(first.value(name) == value, "\(name)") }
        #expect(first.value("fraudstream_database_available") == 0)
        #expect(first.value("fraudstream_assigned_partitions") == 2)

        // Scraping again without change changes nothing; growth raises by exactly the growth.
        let again = try Self.scrape(exporter)
        for (name, value) in expected { #expect(again.value(name) == value, "\(name)") }
        metrics.update { $0.written += 50; $0.databaseUnavailable = false }
        let later = try Self.scrape(exporter)
        #expect(later.value("fraudstream_transactions_written_total") == 150)
        #expect(later.value("fraudstream_database_available") == 1)

        // A snapshot whose totals went down (every counter at 1): no exported counter drops, and
        // none rises again until its total passes what was exported.
        metrics.update { counters in
            counters.consumed = 1; counters.scored = 1; counters.written = 1; counters.flagged = 1
            counters.rejected = 1; counters.late = 1; counters.duplicates = 1; counters.lostToRetention = 1
            counters.sinkRetries = 1; counters.checkpoints = 1; counters.labels = 1; counters.modelSwaps = 1
            counters.latencyOverflow = 1; counters.stoppedPartitions = 1; counters.fencedWrites = 1; counters.outboxSent = 1
        }
        let smaller = try Self.scrape(exporter)
        var exported = expected
        exported["fraudstream_transactions_written_total"] = 150
        for (name, value) in exported { #expect(smaller.value(name) == value, "\(name) went down") }
        metrics.update { $0.written = 149 }
        #expect(try Self.scrape(exporter).value("fraudstream_transactions_written_total") == 150)
        metrics.update { $0.written = 170 }
        #expect(try Self.scrape(exporter).value("fraudstream_transactions_written_total") == 170)
    }

    @Test("a latency above one hour is not dropped: the histograms hold it at one hour, the overflow counter counts it, Prometheus's +Inf bucket has it")
    func latencyAboveAnHourIsCounted() throws {
        let (metrics, exporter) = Self.make()
        let interval = metrics.makeLatencyInterval()
        metrics.recordLatencies([1_000, 7_200_000_000])  // 1 ms, and 2 hours after an outage
        let snapshot = metrics.snapshot()
        #expect(snapshot.endToEndLatency.totalCount == 2)
        #expect(snapshot.latencyOverflow == 1)
        #expect(snapshot.latencyMilliseconds(atPercentile: 100) >= 3_599_000)
        #expect(interval.take().totalCount == 2)
        let samples = try Self.scrape(exporter)
        #expect(samples.value("fraudstream_end_to_end_latency_overflow_total") == 1)
        #expect(samples.value("fraudstream_end_to_end_latency_seconds_count") == 2)
    }

    @Test("histograms are fed per observation: cumulative buckets, +Inf equal to the count, the sum in seconds")
    func histograms() throws {
        let (metrics, exporter) = Self.make()
        metrics.recordLatencies([1_000, 20_000, 2_000_000])  // 1 ms, 20 ms, 2 s
        metrics.recordScoringLatencies(recordTimestamps: [9_999, 9_988, 10_002], scoredAt: 10_000)  // 1 ms, 12 ms, and 0 for a clock that went back
        metrics.recordSinkWrite(duration: .milliseconds(4), rows: 3)
        metrics.recordSinkWrite(duration: .milliseconds(300), rows: 4_000)
        let samples = try Self.scrape(exporter)

        for name in Self.histogramNames {
            let buckets = samples.all(name + "_bucket")
            #expect(!buckets.isEmpty, "\(name) has no buckets")
            let ordered = buckets.map { (le: Double($0.labels["le"] ?? "") ?? ($0.labels["le"] == "+Inf" ? .infinity : .nan), count: $0.value) }
            #expect(ordered.allSatisfy { !$0.le.isNaN }, "\(name): bad le label")
            let sorted = ordered.sorted { $0.le < $1.le }
            #expect(zip(sorted, sorted.dropFirst()).allSatisfy { $0.count <= $1.count }, "\(name) buckets are not cumulative: \(sorted)")
            #expect(sorted.last?.le == .infinity && sorted.last?.count == samples.value(name + "_count"), "\(name): +Inf is not the count")
        }
        let latency = "fraudstream_end_to_end_latency_seconds"
        #expect(samples.value(latency + "_count") == 3)
        #expect(samples.value(latency + "_bucket", ["le": "0.005"]) == 1)
        #expect(samples.value(latency + "_bucket", ["le": "0.025"]) == 2)
        #expect(samples.value(latency + "_bucket", ["le": "2.5"]) == 3)
        #expect(abs((samples.value(latency + "_sum") ?? 0) - 2.021) < 1e-9)
        let scoring = "fraudstream_scoring_latency_seconds"
        #expect(samples.value(scoring + "_count") == 3)
        #expect(samples.value(scoring + "_bucket", ["le": "0.005"]) == 2)
        #expect(samples.value(scoring + "_bucket", ["le": "0.025"]) == 3)
        #expect(abs((samples.value(scoring + "_sum") ?? 0) - 0.013) < 1e-9)
        #expect(samples.value("fraudstream_sink_write_duration_seconds_count") == 2)
        #expect(samples.value("fraudstream_sink_write_duration_seconds_bucket", ["le": "0.005"]) == 1)
        #expect(samples.value("fraudstream_sink_batch_rows_count") == 2)
        #expect(samples.value("fraudstream_sink_batch_rows_sum") == 4_003)
        #expect(samples.value("fraudstream_sink_batch_rows_bucket", ["le": "10.0"]) == 1
            || samples.value("fraudstream_sink_batch_rows_bucket", ["le": "10"]) == 1)

        // The snapshot's own histograms saw the same observations.
        let snapshot = metrics.snapshot()
        #expect(snapshot.endToEndLatency.totalCount == 3)
        #expect(snapshot.scoringLatency.totalCount == 3 && snapshot.scoringLatency.max >= 12_000)
        #expect(snapshot.sinkBatchRows.totalCount == 2 && snapshot.sinkWriteDuration.totalCount == 2)
    }

    @Test("per-partition gauges follow the assignment, checkpoint age is measured from the last checkpoint")
    func partitionGauges() throws {
        let (metrics, exporter) = Self.make()
        let assigned = Mutex([Int32(0): Int64(10), 1: 0, 2: 25])
        metrics.setLagSource {
            Dictionary(uniqueKeysWithValues: assigned.withLock { $0 }.map { (KafkaTopicPartition(topic: "transactions", partition: $0.key), $0.value) })
        }
        let saved = ContinuousClock.now
        metrics.recordCheckpoints([0, 2], at: saved)
        let first = try Self.scrape(exporter, now: saved + .milliseconds(1500))
        #expect(first.value("fraudstream_consumer_lag", ["partition": "0"]) == 10)
        #expect(first.value("fraudstream_consumer_lag", ["partition": "1"]) == 0)
        #expect(first.value("fraudstream_consumer_lag", ["partition": "2"]) == 25)
        #expect(first.value("fraudstream_checkpoint_age_seconds", ["partition": "0"]) == 1.5)
        #expect(first.value("fraudstream_checkpoint_age_seconds", ["partition": "1"]) == nil, "partition 1 has no checkpoint yet")

        // Partition 2 is revoked: its series go away.
        assigned.withLock { $0[2] = nil; $0[0] = 4 }
        let second = try Self.scrape(exporter, now: saved + .seconds(3))
        #expect(second.all("fraudstream_consumer_lag").map { $0.labels["partition"] ?? "" }.sorted() == ["0", "1"])
        #expect(second.value("fraudstream_consumer_lag", ["partition": "0"]) == 4)
        #expect(second.all("fraudstream_checkpoint_age_seconds").map { $0.labels["partition"] ?? "" } == ["0"])
        #expect(second.value("fraudstream_checkpoint_age_seconds", ["partition": "0"]) == 3)
    }

    @Test("model_info carries the active version, escaped, and moves to a new one", arguments: ["model-1", #"odd "quoted" \ version"#, "line\nbreak"])
    func modelInfo(version: String) throws {
        let (metrics, exporter) = Self.make(modelVersion: version)
        let first = try Self.scrape(exporter)
        #expect(first.all("fraudstream_model_info") == [.init(name: "fraudstream_model_info", labels: ["version": version], value: 1)])
        metrics.update { $0.modelVersion = "next"; $0.modelSwaps += 1 }
        let second = try Self.scrape(exporter)
        #expect(second.all("fraudstream_model_info") == [.init(name: "fraudstream_model_info", labels: ["version": "next"], value: 1)])
        #expect(second.value("fraudstream_model_swaps_total") == 1)
    }

    /// The cost of a scrape is measured by `ObservabilityBenchmarks` (Benchmarks/).
    @Test("160 partitions: one lag and one checkpoint-age series each, with the partition's value")
    func manyPartitions() throws {
        let (metrics, exporter) = Self.make()
        let lag = Dictionary(uniqueKeysWithValues: (0..<160).map { (KafkaTopicPartition(topic: "transactions", partition: Int32($0)), Int64($0)) })
        metrics.setLagSource { lag }
        metrics.recordCheckpoints((0..<160).map(Int32.init))
        metrics.recordLatencies((0..<10_000).map { UInt64($0 * 100) })
        let samples = try Self.scrape(exporter)
        #expect(samples.all("fraudstream_consumer_lag").count == 160)
        #expect(samples.all("fraudstream_checkpoint_age_seconds").count == 160)
        for partition in [0, 1, 80, 159] {
            #expect(samples.value("fraudstream_consumer_lag", ["partition": "\(partition)"]) == Double(partition))
        }
    }

    /// The cost of recording, with and without the handles, is measured by
    /// `ObservabilityBenchmarks` (Benchmarks/).
    @Test("50 writes of 5,000 rows land whole in the latency histogram and in the snapshot's")
    func recordingCost() throws {
        let (withHandles, exporter) = Self.make()
        let batch = (0..<5_000).map { UInt64(1_000 + $0 * 10) }
        let rounds = 50
        for _ in 0..<rounds { withHandles.recordLatencies(batch) }
        let samples = try Self.scrape(exporter)
        #expect(samples.value("fraudstream_end_to_end_latency_seconds_count") == Double(rounds * batch.count))
        #expect(withHandles.snapshot().endToEndLatency.totalCount == UInt64(rounds * batch.count))
    }
}
