import ArgumentParser
import Dashboard
import FraudPipeline
import Generator
import Hummingbird
import Logging
import Observability
import Prometheus
import ServiceLifecycle

/// `fraudstream worker`: the long-running scoring process.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Score transactions from Kafka into PostgreSQL, exactly once, until stopped.",
        discussion: """
            A consumer-group member: start several with the same --group to share the partitions. \
            SIGTERM or SIGINT drains, commits and checkpoints the partitions, then exits with 0. \
            Serves /metrics, /healthz, /readyz and the dashboard (/) on --http-host and --http-port.
            """
    )

    @OptionGroup var options: WorkerOptions
    @OptionGroup var http: HTTPOptions
    @OptionGroup var logging: LoggingOptions

    @Option(name: .customLong("status-interval"), help: "How often to log a status line; 0s for never (default 10s).")
    var statusInterval = "10s"

    func validate() throws {
        _ = try options.configuration()
        _ = try options.readyMaxLag()
        _ = try http.endpoint()
        _ = try Self.statusInterval(statusInterval)
    }

    func run() async throws {
        logging.bootstrap()
        let logger = Logger(label: "fraudstream.worker")
        let configuration = try options.configuration()
        let readyMaxLag = try options.readyMaxLag()
        let endpoint = try http.endpoint()
        let (model, version) = try options.loadModel()

        // One registry per worker, handed down rather than bootstrapped into MetricsSystem.
        let registry = PrometheusCollectorRegistry()
        let metrics = WorkerMetrics(factory: PrometheusExporter.metricsFactory(registry: registry), modelVersion: version)
        let exporter = PrometheusExporter(metrics: metrics, registry: registry)
        let worker = Worker(configuration: configuration, model: model, modelVersion: version, metrics: metrics, logger: logger)

        let router = Router()
        OperatorEndpoints(exporter: exporter, readyMaxLag: readyMaxLag).add(to: router)
        let dashboard = try DashboardEndpoints(database: configuration.database, schema: configuration.schema, logger: logger)
        dashboard.add(to: router)
        let server = HTTPServer.make(router: router, endpoint: endpoint, logger: logger)
        let statusPublisher = try WorkerStatusPublisher(
            metrics: metrics, database: configuration.database, schema: configuration.schema, group: configuration.group, logger: logger)

        // A group shuts its services down in reverse order: the status line, then the worker
        // (draining its partitions), then the status row (deleted), and the HTTP server last,
        // so /metrics answers until the worker has stopped.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: server, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup),
            .init(service: statusPublisher),
            .init(service: worker, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup),
        ]
        if let interval = try Self.statusInterval(statusInterval) {
            services.append(.init(service: WorkerStatusReporter(metrics: worker.metrics, interval: interval, logger: logger)))
        }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await HTTPServer.run(group, endpoint: endpoint, thenClose: dashboard)
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
