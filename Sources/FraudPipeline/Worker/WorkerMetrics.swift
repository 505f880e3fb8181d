import Histogram
import Kafka
import Metrics
import Synchronization

/// The worker's counters, in one place so that an exporter (Prometheus, the demo's live line,
/// the load test) reads them all from one ``snapshot()``.
///
/// Counts are totals since the worker started. Updates are cheap (one lock per written batch,
/// not per message) and safe from any task.
///
/// Created with a `MetricsFactory` (``init(factory:)``), it also feeds three swift-metrics
/// handles with every observation as it is made: the end-to-end latency and the sink write
/// duration (`Timer`s) and the rows per write (an aggregating `Recorder`). A Prometheus factory
/// turns them into histograms with buckets; the factory is passed in rather than taken from
/// `MetricsSystem`, so several workers in one process (tests, the demo) keep separate figures.
public final class WorkerMetrics: Sendable {
    /// The swift-metrics labels of the histograms fed per observation.
    public enum Label {
        /// Record timestamp to database commit, per written row (a `Timer`).
        public static let endToEndLatency = "fraudstream_end_to_end_latency_seconds"
        /// How long each sink write took (a `Timer`).
        public static let sinkWriteDuration = "fraudstream_sink_write_duration_seconds"
        /// Rows per sink write (an aggregating `Recorder`).
        public static let sinkBatchRows = "fraudstream_sink_batch_rows"
        /// Record timestamp to the end of scoring, per scored row (a `Timer`): the part of the
        /// end-to-end latency spent before the sink.
        public static let scoringLatency = "fraudstream_scoring_latency_seconds"
    }

    /// The counters at one moment.
    public struct Snapshot: Sendable {
        /// Records read from the transactions topic and processed (replays included).
        public var consumed = 0
        /// Transactions scored (replays of already-written offsets excluded).
        public var scored = 0
        /// Rows newly written to `scored_transactions`.
        public var written = 0
        /// Rows dropped because an earlier run had written them (replay after a restart).
        public var alreadyWritten = 0
        /// Transaction ids seen again at another offset, recorded in `duplicate_transactions`.
        public var duplicates = 0
        /// Scored transactions at or above the model's threshold.
        public var flagged = 0
        /// Messages that failed to decode, sent to the dead-letter topic and table.
        public var rejected = 0
        /// Transactions older than the allowed lateness when processed.
        public var late = 0
        /// Records lost to retention before they were read (offset gaps).
        public var lostToRetention: Int64 = 0
        /// Times a partition was stopped because its log ends before its committed offset (the
        /// topic was deleted and recreated, or truncated); see `fraudstream offsets reset`.
        public var stoppedPartitions = 0
        /// Alerts and dead letters the outbox relay sent and the broker acknowledged.
        public var outboxSent = 0
        /// Sink writes refused because another worker had claimed one of their partitions.
        public var fencedWrites = 0
        /// Database transactions committed by the sink.
        public var sinkWrites = 0
        /// Sink writes that failed and were retried.
        public var sinkRetries = 0
        /// Partition checkpoints saved.
        public var checkpoints = 0
        /// Labels upserted from the labels topic.
        public var labels = 0
        /// Per-partition consumer lag (records on the broker not yet handed to processing).
        public var lag: [KafkaTopicPartition: Int64] = [:]
        /// Record timestamp to database commit, in microseconds, of the rows written. Latencies
        /// above ``WorkerMetrics/latencyCeiling`` (one hour) are recorded at the ceiling and
        /// counted in ``latencyOverflow``.
        public var endToEndLatency = Histogram<UInt64>(highestTrackableValue: WorkerMetrics.latencyCeiling, numberOfSignificantValueDigits: .three)
        /// Record timestamp to the end of scoring, in microseconds, of the rows scored: the
        /// producer's linger, the broker, the fetch, the consumer's buffers and the scoring
        /// itself. ``endToEndLatency`` minus this is the sink's share (its queue and the write).
        public var scoringLatency = Histogram<UInt64>(highestTrackableValue: WorkerMetrics.latencyCeiling, numberOfSignificantValueDigits: .three)
        /// Rows whose end-to-end latency exceeded one hour (recorded at one hour in the histograms).
        public var latencyOverflow = 0
        /// Partitions of the transactions topic this worker processes now.
        public var assignedPartitions = 0
        /// How long each sink write took (database transaction and Kafka sends), in microseconds.
        public var sinkWriteDuration = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .two)
        /// Rows per sink write.
        public var sinkBatchRows = Histogram<UInt64>(highestTrackableValue: 10_000_000, numberOfSignificantValueDigits: .two)
        /// Whether the sink is currently waiting for the database to come back.
        public var databaseUnavailable = false
        /// The registry version (or model file version) scoring new batches now.
        public var modelVersion = ""
        /// Times the worker switched to a newly activated model version while running.
        public var modelSwaps = 0
        /// When this process last saved each partition's checkpoint (committed with its rows).
        /// Partitions not checkpointed since the process started are absent.
        public var checkpointSavedAt: [Int32: ContinuousClock.Instant] = [:]

        /// The total lag over all partitions.
        public var totalLag: Int64 { lag.values.reduce(0, +) }

        /// The lag per partition number (the worker reads one topic).
        public var lagByPartition: [Int32: Int64] {
            var byPartition: [Int32: Int64] = [:]
            for (topicPartition, value) in lag { byPartition[topicPartition.partition, default: 0] += value }
            return byPartition
        }

        /// Seconds from the last checkpoint this process saved for `partition` to `now`, or nil
        /// before its first.
        public func checkpointAge(ofPartition partition: Int32, at now: ContinuousClock.Instant) -> Double? {
            checkpointSavedAt[partition].map { (now - $0).seconds }
        }

        /// The end-to-end latency percentile `percentile` (0–100) in milliseconds.
        public func latencyMilliseconds(atPercentile percentile: Double) -> Double {
            endToEndLatency.totalCount == 0 ? 0 : Double(endToEndLatency.valueAtPercentile(percentile)) / 1000
        }
    }

    private let state = Mutex(Snapshot())
    private let intervals: Mutex<[LatencyInterval]>
    private let defaultInterval: LatencyInterval
    private let lagSource = Mutex<(@Sendable () -> [KafkaTopicPartition: Int64])?>(nil)
    private let handles: Handles?

    /// The swift-metrics handles fed per observation.
    private struct Handles: Sendable {
        let endToEndLatency: Timer
        let sinkWriteDuration: Timer
        let sinkBatchRows: Recorder
        let scoringLatency: Timer
    }

    /// Creates zeroed counters.
    /// - Parameters:
    ///   - factory: Where to make the histograms fed per observation (see ``Label``); nil to
    ///     keep the figures in ``snapshot()`` only. The global `MetricsSystem` is never used.
    ///   - modelVersion: The model version to report until the worker reports another.
    public init(factory: (any MetricsFactory)? = nil, modelVersion: String = "") {
        let defaultInterval = LatencyInterval()
        self.defaultInterval = defaultInterval
        intervals = Mutex([defaultInterval])
        handles = factory.map { factory in
            Handles(
                endToEndLatency: Timer(label: Label.endToEndLatency, factory: factory),
                sinkWriteDuration: Timer(label: Label.sinkWriteDuration, factory: factory),
                sinkBatchRows: Recorder(label: Label.sinkBatchRows, aggregate: true, factory: factory),
                scoringLatency: Timer(label: Label.scoringLatency, factory: factory))
        }
        state.withLock { $0.modelVersion = modelVersion }
    }

    /// The counters now, with the consumer's current lag.
    public func snapshot() -> Snapshot {
        let lag = lagSource.withLock { $0 }?() ?? [:]
        var snapshot = state.withLock { $0 }
        snapshot.lag = lag
        return snapshot
    }

    /// The end-to-end latencies (microseconds) recorded since the previous call, for one
    /// reporter of recent percentiles (the live line, the load test's timeline). Another reporter
    /// takes a window of its own from ``makeLatencyInterval()``.
    public func takeIntervalLatency() -> Histogram<UInt64> {
        defaultInterval.take()
    }

    /// A new window of end-to-end latencies for one more reporter of recent percentiles,
    /// recorded into from now on alongside the others.
    public func makeLatencyInterval() -> LatencyInterval {
        let interval = LatencyInterval()
        intervals.withLock { $0.append(interval) }
        return interval
    }

    /// Changes counters under the lock.
    func update(_ body: (inout Snapshot) -> Void) {
        state.withLock { body(&$0) }
    }

    /// The highest end-to-end latency the histograms hold, in microseconds: one hour. A row
    /// that took longer (a worker catching up after a long outage) is recorded at one hour and
    /// counted in ``Snapshot/latencyOverflow``, so it still weighs on the percentiles.
    public static let latencyCeiling: UInt64 = 3_600_000_000

    /// Records end-to-end latencies, in microseconds, in the total and the current interval.
    public func recordLatencies(_ microseconds: [UInt64]) {
        state.withLock { counters in
            for value in microseconds {
                if value > Self.latencyCeiling { counters.latencyOverflow += 1 }
                _ = counters.endToEndLatency.record(min(value, Self.latencyCeiling))
            }
        }
        for interval in intervals.withLock({ $0 }) { interval.record(microseconds) }
        if let timer = handles?.endToEndLatency {
            for value in microseconds { timer.recordNanoseconds(Int64(clamping: value) &* 1000) }
        }
    }

    /// Records how long scored rows took from their record timestamps (milliseconds since the
    /// epoch) to the end of scoring at `scoredAt`, clamped at ``latencyCeiling``.
    public func recordScoringLatencies(recordTimestamps: [Int64], scoredAt: Int64) {
        state.withLock { counters in
            for timestamp in recordTimestamps { _ = counters.scoringLatency.record(Self.microseconds(from: timestamp, to: scoredAt)) }
        }
        if let timer = handles?.scoringLatency {
            for timestamp in recordTimestamps { timer.recordNanoseconds(Int64(Self.microseconds(from: timestamp, to: scoredAt)) &* 1000) }
        }
    }

    /// Microseconds from one wall-clock millisecond to a later one, 0 when the clock went back,
    /// at most ``latencyCeiling``.
    static func microseconds(from start: Int64, to end: Int64) -> UInt64 {
        min(UInt64(max(0, end - start)) * 1000, latencyCeiling)
    }

    /// Records one sink write: how long it took and how many rows it held.
    public func recordSinkWrite(duration: Duration, rows: Int) {
        let microseconds = UInt64(max(0, duration.components.seconds)) * 1_000_000
            + UInt64(max(0, duration.components.attoseconds) / 1_000_000_000_000)
        state.withLock { counters in
            _ = counters.sinkWriteDuration.record(microseconds)
            _ = counters.sinkBatchRows.record(UInt64(rows))
        }
        if let handles {
            handles.sinkWriteDuration.recordNanoseconds(Int64(clamping: microseconds) &* 1000)
            handles.sinkBatchRows.record(rows)
        }
    }

    /// Notes that the checkpoints of `partitions` were committed at `instant`.
    public func recordCheckpoints(_ partitions: some Sequence<Int32>, at instant: ContinuousClock.Instant = .now) {
        state.withLock { counters in
            for partition in partitions { counters.checkpointSavedAt[partition] = instant }
        }
    }

    /// Reads lag from `source` in each snapshot.
    public func setLagSource(_ source: (@Sendable () -> [KafkaTopicPartition: Int64])?) {
        lagSource.withLock { $0 = source }
    }
}
