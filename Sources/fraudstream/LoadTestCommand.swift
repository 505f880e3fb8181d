import ArgumentParser
import Foundation
import Generator
import Kafka
import LoadTest
import Logging
import Postgres

/// `fraudstream loadtest`: how many transactions per second one worker sustains, and how long
/// a transaction waits for its score.
struct LoadTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadtest",
        abstract: "Measure one worker's throughput and end-to-end latency, with the machine's ceilings beside them.",
        discussion: """
            throughput: pre-fills a topic with --count transactions, checks the broker kept them all, times a plain \
            consumer draining it, times the worker draining it into PostgreSQL (CPU and peak memory included), then \
            times the pipeline without I/O, row encoding and a raw COPY of the same rows. latency: for each of --rates, \
            a generator process produces at that rate for --duration while the worker scores; reports latency \
            percentiles and whether the worker kept up. dashboard: seeds --dashboard-rows scored rows and times each \
            endpoint of `fraudstream dashboard` over HTTP. Without --brokers and --database-url it starts `fraudstream \
            broker` processes and an embedded PostgreSQL. Writes report.md and chart.png to --results.
            """
    )

    @Option(help: "throughput, latency, dashboard or all (default all).")
    var mode = "all"

    @Option(help: "Transactions pre-filled for the throughput run (default 1000000).")
    var count = 1_000_000

    @Option(help: "Partitions of the topics; the embedded broker keeps about 5 MiB each (default 160).")
    var partitions = 160

    @Option(help: "Accounts in the throughput run's population (default 1000000).")
    var accounts = 1_000_000

    @Option(help: "Rates of the latency runs, transactions per second, comma-separated (default 1000,10000,50000).")
    var rates = "1000,10000,50000"

    @Option(help: "How long each latency run generates, e.g. 30s (default 30s).")
    var duration = "30s"

    @Option(help: "An existing Kafka cluster, host:port[,host:port] (default: fraudstream broker processes).")
    var brokers: String?

    @Option(name: .customLong("database-url"), help: "An existing PostgreSQL (default: an embedded one in --data-dir).")
    var databaseURL: String?

    @Option(name: .customLong("data-dir"), help: "Folder of the embedded PostgreSQL (default .fraudstream/loadtest).")
    var dataDirectory = ".fraudstream/loadtest"

    @Option(help: "Folder for report.md, chart.png and the child processes' logs (default loadtest-results/<time>).")
    var results: String?

    @Option(name: .customLong("dashboard-rows"), help: "Scored rows the dashboard run seeds before timing the endpoints (default 10000000).")
    var dashboardRows = 10_000_000

    @Option(help: "Seed of the simulation (default 42).")
    var seed: UInt64 = 42

    @Option(name: .customLong("flush-interval"), help: "The worker's --flush-interval in every run, to measure it as a lever (default: the worker's, 5ms).")
    var flushInterval: String?

    @Option(name: .customLong("fetch-max-wait"), help: "The worker's --fetch-max-wait in every run (default: the worker's, 10ms).")
    var fetchMaxWait: String?

    @Option(name: .customLong("checkpoint-interval"), help: "The worker's --checkpoint-interval in every run (default: the worker's, 5s).")
    var checkpointInterval: String?

    @Option(name: .customLong("generator-linger"), help: "The generator's producer linger.ms in the latency runs, e.g. 0ms (default: the generator's, 5ms).")
    var generatorLinger: String?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        _ = try options()
    }

    func run() async throws {
        var logging = logging
        if !CommandLine.arguments.contains("--log-level") && ProcessInfo.processInfo.environment["FRAUDSTREAM_LOG_LEVEL"] == nil {
            logging.level = "warning"
        }
        logging.bootstrap()
        let options = try options()
        let model = try DefaultModel.load()
        let command = (["fraudstream"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let isTerminal = isatty(STDERR_FILENO) == 1
        let (_, report, summary) = try await LoadTest.run(options, model: model, modelVersion: "default", command: command) { line in
            FileHandle.standardError.write(Data((isTerminal ? "\r\u{1B}[K" + line : line + "\n").utf8))
        }
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
        print(summary)
        print("report: \(report.path)")
        fflushStandardOutput()
    }

    private func options() throws -> LoadTestOptions {
        let executable = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "-")
        var options = LoadTestOptions(executable: executable, resultsDirectory: URL(fileURLWithPath: results ?? "loadtest-results/\(stamp)"))
        guard let mode = LoadTestOptions.Mode(rawValue: mode) else {
            throw ValidationError("--mode: expected throughput, latency, dashboard or all, got \"\(mode)\"")
        }
        options.mode = mode
        options.count = count
        options.partitions = partitions
        options.accounts = accounts
        options.dashboardRows = dashboardRows
        options.rates = try rates.split(separator: ",").map { text in
            guard let rate = Int(text.trimmingCharacters(in: .whitespaces)), rate > 0 else {
                throw ValidationError("--rates: expected positive whole numbers separated by commas, got \"\(rates)\"")
            }
            return rate
        }
        do {
            options.duration = try GeneratorDurationParser.parse(duration, flag: "--duration")
            options.brokers = try brokers.map { try KafkaSettings.parseBrokers($0) }
            options.worker.flushInterval = try flushInterval.map { try GeneratorDurationParser.parse($0, flag: "--flush-interval") }
            options.worker.fetchMaxWait = try fetchMaxWait.map { try GeneratorDurationParser.parse($0, flag: "--fetch-max-wait") }
            options.worker.checkpointInterval = try checkpointInterval.map { try GeneratorDurationParser.parse($0, flag: "--checkpoint-interval") }
            options.generatorLinger = try generatorLinger.map { try GeneratorDurationParser.parse($0, flag: "--generator-linger") }
        } catch let error as GeneratorOptionsError {
            throw ValidationError(error.message)
        } catch {
            throw ValidationError("--brokers: \(error)")
        }
        options.database = databaseURL.map { PostgresConfiguration($0) }
        options.dataDirectory = dataDirectory
        options.seed = seed
        do {
            try options.validate()
        } catch {
            throw ValidationError("\(error)")
        }
        return options
    }
}
