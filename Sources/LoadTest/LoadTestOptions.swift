import Foundation
import FraudPipeline
import Postgres

/// What `fraudstream loadtest` runs.
public struct LoadTestOptions: Sendable {
    /// Which measurements to take.
    public enum Mode: String, Sendable, CaseIterable {
        /// Pre-fill a topic, time the worker draining it, and measure the three ceilings.
        case throughput
        /// Steady rates for a while each; latency percentiles and whether the worker kept up.
        case latency
        /// The dashboard's endpoints against a table of ``LoadTestOptions/dashboardRows`` rows.
        case dashboard
        /// All three.
        case all

        /// Whether this mode includes `mode`.
        func includes(_ mode: Mode) -> Bool { self == .all || self == mode }
    }

    /// The `fraudstream` executable, run for the broker and the generator.
    public var executable: URL
    public var mode: Mode = .all
    /// Transactions pre-filled for the throughput run.
    public var count = 1_000_000
    /// Partitions of the topics: enough that a million records (about 330 bytes each with
    /// their overhead) stay within the embedded broker's 5 MiB per partition, with room for the
    /// busiest partition holding twice the average (accounts are not equally active).
    public var partitions = 160
    /// Accounts of the simulated population in the throughput run (the worker's state grows
    /// with them).
    public var accounts = 1_000_000
    /// Rates of the latency runs, transactions per second.
    public var rates: [Int] = [1_000, 10_000, 50_000]
    /// How long each latency run generates.
    public var duration: Duration = .seconds(30)
    /// An existing Kafka cluster; `nil` starts `fraudstream broker` as a child process.
    public var brokers: [String]?
    /// An existing database; `nil` starts an embedded PostgreSQL in ``dataDirectory``.
    public var database: PostgresConfiguration?
    /// Where the embedded PostgreSQL keeps its data.
    public var dataDirectory = ".fraudstream/loadtest"
    /// Where the report, chart and logs go.
    public var resultsDirectory: URL
    /// Scored rows the dashboard run seeds before it times the endpoints.
    public var dashboardRows = 10_000_000
    /// The simulation seed.
    public var seed: UInt64 = 42
    /// Worker settings to measure as levers; each replaces the worker's default in every run.
    public var worker = WorkerLevers()
    /// The generator's producer linger (`linger.ms`) in the latency runs; `nil` keeps the
    /// generator's default (5 ms). The time from produce to the broker is part of the latency
    /// measured, because a record's timestamp is taken when it is produced.
    public var generatorLinger: Duration?

    /// Worker settings a load test can change, to measure what each costs and gains.
    public struct WorkerLevers: Sendable, Equatable {
        /// The sink's flush interval (`--flush-interval`).
        public var flushInterval: Duration?
        /// The consumer's `fetch.wait.max.ms` (`--fetch-max-wait`).
        public var fetchMaxWait: Duration?
        /// How often each partition's state is checkpointed (`--checkpoint-interval`).
        public var checkpointInterval: Duration?

        public init() {}

        /// Sets the changed settings on `configuration`.
        func apply(to configuration: inout WorkerConfiguration) {
            if let flushInterval { configuration.flushInterval = flushInterval }
            if let fetchMaxWait { configuration.fetchMaxWait = fetchMaxWait }
            if let checkpointInterval { configuration.checkpointInterval = checkpointInterval }
        }

        /// The settings changed, as `name value` pairs for the report, in flag order.
        public var described: [(name: String, value: Duration)] {
            [("flush-interval", flushInterval), ("fetch-max-wait", fetchMaxWait), ("checkpoint-interval", checkpointInterval)]
                .compactMap { pair in pair.1.map { (pair.0, $0) } }
        }
    }

    public init(executable: URL, resultsDirectory: URL) {
        self.executable = executable
        self.resultsDirectory = resultsDirectory
    }

    /// Checks the settings.
    /// - Throws: ``LoadTestError`` naming the flag and the problem.
    public func validate() throws {
        guard count >= 1 else { throw LoadTestError("--count must be at least 1, got \(count)") }
        guard (1...1024).contains(partitions) else { throw LoadTestError("--partitions must be 1…1024, got \(partitions)") }
        guard accounts >= 10 else { throw LoadTestError("--accounts must be at least 10, got \(accounts)") }
        guard !rates.isEmpty, rates.allSatisfy({ $0 >= 1 }) else { throw LoadTestError("--rates needs positive rates, e.g. 1000,10000") }
        guard dashboardRows >= 1_000 else { throw LoadTestError("--dashboard-rows must be at least 1000, got \(dashboardRows)") }
        guard duration >= .seconds(1) else { throw LoadTestError("--duration must be at least 1s, got \(duration)") }
        var worker = WorkerConfiguration(brokers: ["localhost:9092"], database: PostgresConfiguration(""))
        self.worker.apply(to: &worker)
        do {
            try worker.validate()
        } catch {
            throw LoadTestError("--\(error.setting): \(error.problem)")
        }
        if let linger = generatorLinger, linger < .zero || linger > .seconds(5) {
            throw LoadTestError("--generator-linger must be 0…5 s, got \(linger)")
        }
        // The embedded broker keeps about 5 MiB per partition; a transaction record takes ~330
        // bytes, and the busiest partition holds up to about twice the average.
        if brokers == nil, mode.includes(.throughput), count / partitions * 330 * 2 > 4_500_000 {
            let needed = count * 330 * 2 / 4_500_000 + 1
            throw LoadTestError(
                "--count \(count) over \(partitions) partitions is more than the embedded broker keeps (about 5 MiB per partition): use --partitions \(needed) or more")
        }
    }
}
