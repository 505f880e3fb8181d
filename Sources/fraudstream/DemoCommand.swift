import ArgumentParser
import Foundation
import FraudPipeline
import Generator
import Kafka
import Logging
import Observability
import Prometheus
import ServiceLifecycle
import Synchronization
import Postgres

/// `fraudstream demo`: the whole system on one machine with no configuration.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the generator and a worker against an embedded Kafka cluster and PostgreSQL, then show what was flagged.",
        discussion: """
            Starts librdkafka's embedded Kafka cluster and a private PostgreSQL (in --data-dir), \
            replays a simulated day of history through the worker so that accounts have habits, \
            generates transactions for --duration while the worker scores them, prints a live line, \
            then the latest flagged transactions and the model's figures against the generator's \
            labels (per transaction, per scenario and by value, defined as in docs/model.md), and \
            shuts everything down. The demo's schema is reset at each run. \
            While it runs, the dashboard is served on --http-host and --http-port (its URL is \
            printed first).
            """
    )

    @Option(help: "How long to generate transactions, e.g. 30s, 2m (default 60s).")
    var duration = "60s"

    @Option(help: "Transactions per second (default 2000).")
    var rate = 2000.0

    @Option(help: "Partitions of the transactions topic (default 8).")
    var partitions = 8

    @Option(help: "Seed of the simulation (default: random, printed).")
    var seed: UInt64?

    @Option(name: .customLong("data-dir"), help: "Folder for the embedded PostgreSQL's data (default .fraudstream/demo).")
    var dataDirectory = ".fraudstream/demo"

    @Option(help: "Flagged transactions to show at the end (default 10).")
    var show = 10

    @OptionGroup var http: HTTPOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        _ = try generatorOptions(brokers: "localhost:9092")
        _ = try http.endpoint()
        guard (1...256).contains(partitions) else { throw ValidationError("--partitions: expected 1…256, got \(partitions)") }
        guard (1...FlaggedTransactionQuery.maximumLimit).contains(show) else {
            throw ValidationError("--show: expected 1…\(FlaggedTransactionQuery.maximumLimit), got \(show)")
        }
    }

    func run() async throws {
        var logging = logging
        if !CommandLine.arguments.contains("--log-level") && ProcessInfo.processInfo.environment["FRAUDSTREAM_LOG_LEVEL"] == nil {
            logging.level = "warning"  // the live line is the demo's output; details on request
        }
        logging.bootstrap()
        let logger = Logger(label: "fraudstream.demo")
        let out = DemoOutput()

        out.status("starting the embedded Kafka cluster and PostgreSQL (\(dataDirectory)/postgres)…")
        let cluster = try EmbeddedKafkaCluster(topics: ["transactions": partitions, "transaction_labels": 4])
        var postgresConfiguration = EmbeddedPostgres.Configuration()
        postgresConfiguration.dataDirectory = dataDirectory + "/postgres"
        postgresConfiguration.settings = ["fsync": "off", "synchronous_commit": "off"]
        let postgres = EmbeddedPostgres(postgresConfiguration)
        do {
            let url = try await postgres.start()
            // One registry for the demo's worker, as `fraudstream worker` has.
            let registry = PrometheusCollectorRegistry()
            let metrics = WorkerMetrics(factory: PrometheusExporter.metricsFactory(registry: registry), modelVersion: "default")
            let exporter = PrometheusExporter(metrics: metrics, registry: registry)
            let http = try await DemoHTTPServer.start(
                endpoint: try self.http.endpoint(), database: PostgresConfiguration(url), exporter: exporter, out: out, logger: logger)
            do {
                try await run(cluster: cluster, databaseURL: url, metrics: metrics, out: out, logger: logger)
            } catch {
                await http.stop()
                throw error
            }
            await http.stop()
        } catch {
            try? await postgres.stop()
            cluster.shutdown()
            throw error
        }
        try await postgres.stop()
        cluster.shutdown()
    }

    private func run(cluster: EmbeddedKafkaCluster, databaseURL: String, metrics: WorkerMetrics, out: DemoOutput, logger: Logger) async throws {
        let database = PostgresConfiguration(databaseURL)
        let connection = try await PostgresConnection.connect(database, logger: logger)
        defer { Task { await connection.close() } }
        try await connection.execute("DROP SCHEMA IF EXISTS fraudstream CASCADE")

        var configuration = WorkerConfiguration(brokers: cluster.brokerAddresses, group: "fraudstream-demo", database: database)
        configuration.sessionTimeout = .seconds(6)
        configuration.checkpointInterval = .seconds(2)
        let model = try DefaultModel.load()
        let worker = Worker(configuration: configuration, model: model, modelVersion: "default", metrics: metrics, logger: logger)
        let workerTask = Task { try await worker.run() }
        // The worker-health panel of the dashboard reads the row this keeps.
        let statusPublisher = try WorkerStatusPublisher(
            metrics: metrics, database: database, schema: configuration.schema, group: configuration.group, logger: logger)
        let statusGroup = ServiceGroup(services: [statusPublisher], logger: logger)
        let statusTask = Task { try await statusGroup.run() }
        defer { statusTask.cancel() }  // on an early exit; normally stopped gracefully below

        // Generate only once the worker has joined the group, so the first records do not wait
        // out the group's formation.
        while worker.metrics.snapshot().assignedPartitions < partitions, !workerTask.isCancelled {
            try await Task.sleep(for: .milliseconds(100))
        }
        let options = try generatorOptions(brokers: cluster.bootstrapServers)
        out.status("replaying \(Self.history) of history, then generating \(Int(rate)) transactions/s for \(duration) "
            + "(simulated clock at \(Int(rate / Self.eventsPerSecond))× wall time, seed \(options.simulation.seed)) into \(partitions) partitions; scoring live")
        let stop = GeneratorStopSignal()
        let interrupts = InterruptHandler.stopOnInterrupt(stop, message: "\ndemo: stopping early (Ctrl-C again to quit at once)")
        defer { interrupts.cancel() }
        // The history's size is known once the generator reports its live part.
        let historySize = HistorySize()
        let live = Task {
            await out.liveLine(metrics: worker.metrics) { snapshot in
                historySize.value.withLock { size in size.map { snapshot.scored >= $0 } ?? false }
            }
        }
        let generated = try await GeneratorRun.run(options: options, stop: stop, logger: logger) { progress in
            if progress.transactions > 0 { historySize.value.withLock { $0 = progress.historyTransactions } }
        }

        // Let the worker finish what was produced, and the last labels arrive: wait while it
        // makes progress, and give up after 30 s without any.
        var lastProgress = ContinuousClock.now
        var handled = -1
        while ContinuousClock.now - lastProgress < .seconds(30) {
            let counters = worker.metrics.snapshot()
            let done = counters.written + counters.alreadyWritten + counters.duplicates + counters.rejected
            if done >= generated.transactions + generated.historyTransactions, counters.labels >= generated.labels {
                break
            }
            if done + counters.labels != handled {
                handled = done + counters.labels
                lastProgress = .now
            }
            if workerTask.isCancelled { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        live.cancel()
        let liveLatency = await live.value
        worker.stop()
        try await workerTask.value
        await statusGroup.triggerGracefulShutdown()  // deletes the worker's status row
        _ = try? await statusTask.value

        let counters = worker.metrics.snapshot()
        let flagged = try await FlaggedTransactionQuery(limit: show).run(on: connection)
        let outcome = try await ModelOutcomeQuery().run(on: connection)
        out.summary(generated: generated, counters: counters, liveLatency: liveLatency, flagged: flagged, outcome: outcome)
    }

    /// Event-time transactions per second of the demo's population.
    static let eventsPerSecond = 1.0
    /// The event time replayed before the live part.
    static let history = "1d"

    private func generatorOptions(brokers: String) throws -> GeneratorOptions {
        var flags = GeneratorFlags()
        flags.brokers = brokers
        flags.rate = String(rate)
        flags.duration = duration
        flags.partitions = String(partitions)
        flags.seed = seed.map(String.init)
        // 1 transaction per event-time second, here at `rate` per wall second; the population
        // is sized to pay at that rate (about 13,100 accounts at their natural pace). A day of
        // history first (about 86,000 transactions, as fast as the worker takes them) gives the
        // accounts habits before the live part, and stays within the embedded broker's
        // retention even if the worker reads none of it until the end.
        flags.clock = "simulated"
        flags.speedup = String(rate / Self.eventsPerSecond)
        flags.history = Self.history
        do {
            return try GeneratorOptions(flags: flags)
        } catch {
            throw ValidationError(error.message)
        }
    }
}

/// The number of history transactions, known once the generator reports its live part.
private final class HistorySize: Sendable {
    let value = Mutex<Int?>(nil)
}
