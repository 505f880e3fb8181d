import Foundation
import Postgres

/// What `fraudstream loadtest` runs.
public struct LoadTestOptions: Sendable {
    /// Which measurements to take.
    public enum Mode: String, Sendable, CaseIterable {
        /// Pre-fill a topic, time the worker draining it, and measure the three ceilings.
        case throughput
        /// Steady rates for a while each; latency percentiles and whether the worker kept up.
        case latency
        /// Both.
        case all
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
    /// The simulation seed.
    public var seed: UInt64 = 42

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
        guard duration >= .seconds(1) else { throw LoadTestError("--duration must be at least 1s, got \(duration)") }
        // The embedded broker keeps about 5 MiB per partition; a transaction record takes ~330
        // bytes, and the busiest partition holds up to about twice the average.
        if brokers == nil, mode != .latency, count / partitions * 330 * 2 > 4_500_000 {
            let needed = count * 330 * 2 / 4_500_000 + 1
            throw LoadTestError(
                "--count \(count) over \(partitions) partitions is more than the embedded broker keeps (about 5 MiB per partition): use --partitions \(needed) or more")
        }
    }
}
