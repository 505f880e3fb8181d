import ArgumentParser
import Kafka
import Logging
import ServiceLifecycle

/// `fraudstream broker`: an embedded Kafka cluster for development, until SIGINT or SIGTERM.
struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run an embedded Kafka cluster (librdkafka's mock cluster) for development.",
        discussion: """
            The cluster speaks the real Kafka protocol but keeps only about 5 MiB per partition \
            and cannot create topics over the wire: name the topics you need with --topic. \
            It runs until interrupted (SIGINT or SIGTERM).
            """
    )

    @Option(help: "Partitions of each topic created at start.")
    var partitions: Int = 8

    @Option(help: "Loopback port to accept bootstrap connections on (0: only the brokers' own ports).")
    var port: Int = 9092

    @Option(help: "Number of brokers in the cluster.")
    var brokers: Int = 1

    @Option(name: .customLong("topic"), help: "A topic to create, as NAME or NAME:PARTITIONS (repeatable).")
    var topics: [String] = ["transactions", "transaction_labels", "fraud_alerts", "transactions.dead_letters"]

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard partitions >= 1 else {
            throw ValidationError("--partitions: expected a positive number of partitions, got \(partitions)")
        }
        guard (0...65535).contains(port) else {
            throw ValidationError("--port: expected a port between 1 and 65535 (or 0 for none), got \(port)")
        }
        guard brokers >= 1 else {
            throw ValidationError("--brokers: expected at least 1 broker, got \(brokers)")
        }
        _ = try topicPartitions()
    }

    /// The topics to create with their partition counts.
    func topicPartitions() throws -> [String: Int] {
        var result: [String: Int] = [:]
        for entry in topics {
            let parts = entry.split(separator: ":", omittingEmptySubsequences: false)
            guard !parts[0].isEmpty, parts.count <= 2 else {
                throw ValidationError("--topic: expected NAME or NAME:PARTITIONS, got \"\(entry)\"")
            }
            var count = partitions
            if parts.count == 2 {
                guard let parsed = Int(parts[1]), parsed >= 1 else {
                    throw ValidationError("--topic: expected a positive partition count after the colon, got \"\(entry)\"")
                }
                count = parsed
            }
            result[String(parts[0])] = count
        }
        return result
    }

    func run() async throws {
        logging.bootstrap()
        let logger = Logger(label: "fraudstream.broker")
        let service = EmbeddedBrokerService(
            brokers: brokers, topics: try topicPartitions(), port: port == 0 ? nil : port, logger: logger)
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// Runs an ``EmbeddedKafkaCluster`` (and optionally a bootstrap port forwarder) until shutdown.
struct EmbeddedBrokerService: Service {
    let brokers: Int
    let topics: [String: Int]
    let port: Int?
    let logger: Logger

    func run() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: brokers, topics: topics, logger: logger)
        var forwarder: KafkaPortForwarder?
        do {
            if let port {
                forwarder = try KafkaPortForwarder(port: port, target: cluster.brokerAddresses[0])
            }
        } catch {
            cluster.shutdown()
            throw error
        }
        let bootstrap = port.map { "127.0.0.1:\($0)" } ?? cluster.bootstrapServers
        print("Kafka bootstrap: \(bootstrap)")
        print("brokers: \(cluster.bootstrapServers)")
        print("topics: \(topics.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value) partitions)" }.joined(separator: ", "))")
        print("Press Ctrl-C to stop.")
        fflushStandardOutput()

        // Sleeps until the service group signals shutdown (SIGINT/SIGTERM).
        try? await gracefulShutdown()
        forwarder?.stop()
        cluster.shutdown()
        logger.info("embedded Kafka cluster stopped")
    }
}
