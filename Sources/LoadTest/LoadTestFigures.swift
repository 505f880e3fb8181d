/// Everything a load test measured, for the report.
public struct LoadTestFigures: Sendable {
    /// The throughput run and the ceilings beside it.
    public struct Throughput: Sendable {
        public var transactions = 0
        public var partitions = 0
        public var accounts = 0
        /// Records lost by the broker before the run (must be 0).
        public var lostRecords: Int64 = 0
        /// End to end: transactions written per second, from the partitions' assignment to the
        /// last commit.
        public var transactionsPerSecond = 0.0
        public var seconds = 0.0
        /// Worker CPU seconds per million transactions.
        public var cpuSecondsPerMillion = 0.0
        public var peakResidentBytes = 0
        /// Plain consumer draining the same topic, records per second.
        public var sourceCeiling = 0.0
        /// Decode, features and model on in-memory batches, transactions per second of one core.
        public var pipelineCeiling = 0.0
        /// Row encoding, rows per second of one core.
        public var encodingCeiling = 0.0
        /// Binary COPY of the same rows into a copy of the table with the same indexes, rows per second.
        public var copyCeiling = 0.0
        /// The same COPY into a copy of the table with its indexes but without the rollup
        /// triggers, rows per second: the difference is what the rollups cost.
        public var copyWithoutRollupsCeiling = 0.0
        /// Written rows per second, once a second.
        public var timeline: [(seconds: Double, rate: Double)] = []
    }

    /// One steady-rate run.
    public struct Latency: Sendable {
        public var rate = 0
        public var seconds = 0.0
        public var transactions = 0
        /// End-to-end latency percentiles, milliseconds: p50, p90, p99, p99.9, max.
        public var p50 = 0.0, p90 = 0.0, p99 = 0.0, p999 = 0.0, max = 0.0
        /// The largest consumer lag seen while generating, records.
        public var maxLag: Int64 = 0
        /// Whether the worker kept up: it scored at the offered rate and its lag stayed bounded.
        public var keptUp = false
        public var cpuSecondsPerMillion = 0.0
        public var peakResidentBytes = 0
        /// End-to-end latency percentiles once warmed up (the per-second histograms after the
        /// first 5 s), milliseconds; `nil` for a run too short to have a steady part.
        public var steady: (p50: Double, p99: Double, p999: Double)?
        /// Alerts read from the alerts topic during the run.
        public var alerts = 0
        /// Time to alert percentiles, milliseconds: the transaction record's produce time to the
        /// alert record's, both Kafka timestamps; `nil` when nothing was flagged.
        public var timeToAlert: (p50: Double, p99: Double, p999: Double)?
        /// Record timestamp to the end of scoring, milliseconds (the worker's
        /// `scoringLatency`): the part of the latency spent before the sink.
        public var scoring: (p50: Double, p99: Double, p999: Double)?
        /// How long each sink write took, milliseconds.
        public var sinkWrite: (p50: Double, p99: Double, p999: Double)?
        /// Rows per sink write, median.
        public var rowsPerWrite = 0
        /// CPU used while the generator ran, in cores (CPU seconds per second), per process: the
        /// load test with its worker, the broker, the generator, PostgreSQL; a process this run
        /// did not start (a given cluster or database) is left out.
        public var cpuCores: [(name: String, cores: Double)] = []
        /// The whole machine's busy share while the generator ran (0–1), and its cores.
        public var machineBusy: Double?
        public var machineCores = 0
        /// Per second: (seconds, p50, p99, p99.9, scored per second).
        public var timeline: [(seconds: Double, p50: Double, p99: Double, p999: Double, rate: Double)] = []
    }

    /// The dashboard's endpoints against a large table.
    public struct Dashboard: Sendable {
        /// Scored rows in the table.
        public var rows = 0
        /// Labels among them.
        public var labels = 0
        /// The scored table with its indexes, bytes.
        public var tableBytes = 0
        /// How long seeding the rows took (rollup triggers included).
        public var seedingSeconds = 0.0
        /// Per endpoint: the path, what it reads, the median and the slowest of five requests, ms.
        public var endpoints: [(path: String, reads: String, median: Double, max: Double)] = []
    }

    public var throughput: Throughput?
    public var dashboard: Dashboard?
    public var latency: [Latency] = []
    /// The command that reproduces the run.
    public var command = ""
    /// The machine: cores, memory.
    public var machine = ""
}
