import Foundation
import FraudModel
import FraudPipeline
import Kafka
import Logging
import Postgres

/// The Kafka cluster and database a load test runs against: given ones, or a `fraudstream
/// broker` child process per run and an embedded PostgreSQL.
final class LoadTestEnvironment: @unchecked Sendable {
    let options: LoadTestOptions
    let database: PostgresConfiguration
    let logDirectory: URL
    private let embeddedPostgres: EmbeddedPostgres?
    private let logger: Logger

    private init(options: LoadTestOptions, database: PostgresConfiguration, embeddedPostgres: EmbeddedPostgres?, logDirectory: URL, logger: Logger) {
        self.options = options
        self.database = database
        self.embeddedPostgres = embeddedPostgres
        self.logDirectory = logDirectory
        self.logger = logger
    }

    /// Starts the embedded database when none is given.
    static func start(_ options: LoadTestOptions, logger: Logger) async throws -> LoadTestEnvironment {
        let logDirectory = options.resultsDirectory.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        if let database = options.database {
            return LoadTestEnvironment(options: options, database: database, embeddedPostgres: nil, logDirectory: logDirectory, logger: logger)
        }
        var configuration = EmbeddedPostgres.Configuration()
        configuration.dataDirectory = options.dataDirectory + "/postgres"
        // Durability is not what is measured: the sink's commits would otherwise wait for fsync
        // on whatever disk the machine has.
        configuration.settings = ["fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_wal_size": "4GB"]
        let postgres = EmbeddedPostgres(configuration, logger: logger)
        let url = try await postgres.start()
        return LoadTestEnvironment(
            options: options, database: PostgresConfiguration(url), embeddedPostgres: postgres, logDirectory: logDirectory, logger: logger)
    }

    /// A Kafka cluster with `topics`: a fresh `fraudstream broker` child, or the given cluster
    /// with the topics created.
    func kafka(topics: [String: Int], name: String) async throws -> (brokers: [String], broker: ChildProcess?) {
        if let brokers = options.brokers {
            let admin = try KafkaAdmin(bootstrapServers: brokers, logger: logger)
            defer { admin.close() }
            for (topic, partitions) in topics.sorted(by: { $0.key < $1.key }) {
                _ = try await admin.createTopic(topic, partitions: partitions)
            }
            return (brokers, nil)
        }
        let arguments = ["broker", "--port", "0", "--log-level", "warning"]
            + topics.sorted { $0.key < $1.key }.flatMap { ["--topic", "\($0.key):\($0.value)"] }
        let broker = try ChildProcess(executable: options.executable, arguments: arguments, name: name, logDirectory: logDirectory)
        let bootstrap = try await broker.waitForLine(startingWith: "Kafka bootstrap:")
        return (bootstrap.split(separator: ",").map(String.init), broker)
    }

    /// Runs `fraudstream generate` with `arguments` (brokers and topics included by the caller).
    func generator(_ arguments: [String], name: String) throws -> ChildProcess {
        try ChildProcess(executable: options.executable, arguments: ["generate"] + arguments, name: name, logDirectory: logDirectory)
    }

    /// Starts a worker on `topic` in a schema and group of its own, and waits until it holds
    /// all `partitions` of the topic.
    /// - Returns: The worker and the task running it.
    func startWorker(
        brokers: [String], topic: String, id: String, partitions: Int, model: ModelFile, modelVersion: String
    ) async throws -> (worker: Worker, running: Task<Void, any Error>) {
        var configuration = WorkerConfiguration(brokers: brokers, group: "loadtest_\(id)", database: database)
        configuration.schema = "loadtest_\(id)"
        configuration.transactionsTopic = topic
        configuration.labelsTopic = nil
        configuration.alertsTopic = topic + "_alerts"
        configuration.deadLetterTopic = topic + "_dead_letters"
        configuration.sessionTimeout = .seconds(6)
        options.worker.apply(to: &configuration)
        let worker = Worker(configuration: configuration, model: model, modelVersion: modelVersion, logger: logger)
        let running = Task { try await worker.run() }
        let deadline = ContinuousClock.now + .seconds(120)
        while worker.metrics.snapshot().assignedPartitions < partitions {
            guard ContinuousClock.now < deadline else {
                worker.stop()
                throw LoadTestError("the worker did not get the \(partitions) partitions of \(topic) within 2 minutes")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return (worker, running)
    }

    /// The embedded PostgreSQL server's process id (its backends are its children); nil for a
    /// database given with `--database-url`.
    var databaseServerProcessID: Int32? { embeddedPostgres?.serverProcessID }

    /// A fresh connection to the database.
    func connect() async throws -> PostgresConnection {
        try await PostgresConnection.connect(database, logger: logger)
    }

    /// Stops what was started.
    func stop() async {
        try? await embeddedPostgres?.stop()
    }
}
