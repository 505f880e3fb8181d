import Histogram
import Kafka
import Synchronization

/// The worker's counters, in one place so that an exporter (Prometheus, the demo's live line,
/// the load test) reads them all from one ``snapshot()``.
///
/// Counts are totals since the worker started. Updates are cheap (one lock per written batch,
/// not per message) and safe from any task.
public final class WorkerMetrics: Sendable {
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
        /// Record timestamp to database commit, in microseconds, of the rows written.
        public var endToEndLatency = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
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

        /// The total lag over all partitions.
        public var totalLag: Int64 { lag.values.reduce(0, +) }

        /// The end-to-end latency percentile `percentile` (0–100) in milliseconds.
        public func latencyMilliseconds(atPercentile percentile: Double) -> Double {
            endToEndLatency.totalCount == 0 ? 0 : Double(endToEndLatency.valueAtPercentile(percentile)) / 1000
        }
    }

    private let state = Mutex(Snapshot())
    private let intervalLatency = Mutex(Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three))
    private let lagSource = Mutex<(@Sendable () -> [KafkaTopicPartition: Int64])?>(nil)

    /// Creates zeroed counters.
    public init() {}

    /// The counters now, with the consumer's current lag.
    public func snapshot() -> Snapshot {
        let lag = lagSource.withLock { $0 }?() ?? [:]
        var snapshot = state.withLock { $0 }
        snapshot.lag = lag
        return snapshot
    }

    /// The end-to-end latencies (microseconds) recorded since the previous call, for a reporter
    /// that shows recent percentiles (the live line, the load test's timeline). Meant for one
    /// reader: each call starts a new interval.
    public func takeIntervalLatency() -> Histogram<UInt64> {
        intervalLatency.withLock { histogram in
            defer { histogram.reset() }
            return histogram
        }
    }

    /// Changes counters under the lock.
    func update(_ body: (inout Snapshot) -> Void) {
        state.withLock { body(&$0) }
    }

    /// Records end-to-end latencies, in microseconds, in the total and the current interval.
    func recordLatencies(_ microseconds: [UInt64]) {
        state.withLock { counters in
            for value in microseconds { _ = counters.endToEndLatency.record(value) }
        }
        intervalLatency.withLock { histogram in
            for value in microseconds { _ = histogram.record(value) }
        }
    }

    /// Reads lag from `source` in each snapshot.
    func setLagSource(_ source: (@Sendable () -> [KafkaTopicPartition: Int64])?) {
        lagSource.withLock { $0 = source }
    }
}
