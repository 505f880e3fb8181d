import ArgumentParser
import FraudPipeline
import Generator
import Logging
import ServiceLifecycle

/// `fraudstream worker`: the long-running scoring process.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Score transactions from Kafka into PostgreSQL, exactly once, until stopped.",
        discussion: """
            A consumer-group member: start several with the same --group to share the partitions. \
            SIGTERM or SIGINT drains, commits and checkpoints the partitions, then exits with 0.
            """
    )

    @OptionGroup var options: WorkerOptions
    @OptionGroup var logging: LoggingOptions

    @Option(name: .customLong("status-interval"), help: "How often to log a status line; 0s for never (default 10s).")
    var statusInterval = "10s"

    func validate() throws {
        _ = try options.configuration()
        _ = try Self.statusInterval(statusInterval)
    }

    func run() async throws {
        logging.bootstrap()
        let logger = Logger(label: "fraudstream.worker")
        let configuration = try options.configuration()
        let (model, version) = try options.loadModel()
        let worker = Worker(configuration: configuration, model: model, modelVersion: version, logger: logger)
        var services = [ServiceGroupConfiguration.ServiceConfiguration(
            service: worker, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup)]
        if let interval = try Self.statusInterval(statusInterval) {
            services.append(.init(service: WorkerStatusReporter(metrics: worker.metrics, interval: interval, logger: logger)))
        }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    private static func statusInterval(_ text: String) throws -> Duration? {
        let interval: Duration
        do {
            interval = try GeneratorDurationParser.parse(text, flag: "--status-interval")
        } catch {
            throw ValidationError(error.message)
        }
        return interval == .zero ? nil : interval
    }
}

/// Logs one line with the worker's counters every interval, until the group shuts down.
struct WorkerStatusReporter: Service {
    let metrics: WorkerMetrics
    let interval: Duration
    let logger: Logger

    func run() async throws {
        var previous = metrics.snapshot()
        var previousTime = ContinuousClock.now
        while !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            let now = metrics.snapshot()
            let time = ContinuousClock.now
            let seconds = Double((time - previousTime).components.seconds) + Double((time - previousTime).components.attoseconds) / 1e18
            logger.info("status", metadata: [
                "scoredPerSecond": "\(Int(Double(now.scored - previous.scored) / max(seconds, 0.001)))",
                "written": "\(now.written)", "flagged": "\(now.flagged)", "rejected": "\(now.rejected)",
                "lag": "\(now.totalLag)", "latencyP99Ms": "\(now.latencyMilliseconds(atPercentile: 99))",
                "databaseUnavailable": "\(now.databaseUnavailable)",
            ])
            previous = now
            previousTime = time
        }
    }
}
