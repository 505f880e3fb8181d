import ArgumentParser
import Foundation
import FraudCore
import FraudModel
import FraudPipeline
import Generator
import Kafka

/// The worker's flags. Each one can also come from an environment variable, named in its help;
/// a flag wins over its variable.
struct WorkerOptions: ParsableArguments {
    @Option(help: "Kafka bootstrap servers, host:port[,host:port] ($KAFKA_BROKERS).")
    var brokers: String?

    @Option(help: "Consumer group; workers of one group share the partitions ($FRAUDSTREAM_GROUP, default fraudstream).")
    var group: String?

    @Option(help: "Topic of transactions ($FRAUDSTREAM_TOPIC, default transactions).")
    var topic: String?

    @Option(name: .customLong("labels-topic"), help: "Topic of labels, upserted into the labels table; none to read none ($FRAUDSTREAM_LABELS_TOPIC, default transaction_labels).")
    var labelsTopic: String?

    @Option(name: .customLong("dead-letter-topic"), help: "Topic for rejected messages ($FRAUDSTREAM_DEAD_LETTER_TOPIC, default transactions.dead_letters).")
    var deadLetterTopic: String?

    @Option(name: .customLong("alerts-topic"), help: "Topic for flagged transactions; none to publish none ($FRAUDSTREAM_ALERTS_TOPIC, default fraud_alerts).")
    var alertsTopic: String?

    @Option(help: "Model file from `fraudstream train`, used while the registry has no active version ($FRAUDSTREAM_MODEL, default: the bundled model).")
    var model: String?

    @Option(name: .customLong("batch-rows"), help: "Most rows per database transaction ($FRAUDSTREAM_BATCH_ROWS, default 5000).")
    var batchRows: Int?

    @Option(name: .customLong("flush-interval"), help: "Longest wait for a fuller batch, e.g. 5ms ($FRAUDSTREAM_FLUSH_INTERVAL, default 5ms).")
    var flushInterval: String?

    @Option(name: .customLong("max-pending-rows"), help: "Rows waiting for the database before reading pauses ($FRAUDSTREAM_MAX_PENDING_ROWS, default 20000).")
    var maxPendingRows: Int?

    @Option(name: .customLong("checkpoint-interval"), help: "How often partition state is checkpointed ($FRAUDSTREAM_CHECKPOINT_INTERVAL, default 5s).")
    var checkpointInterval: String?

    @Option(name: .customLong("session-timeout"), help: "Kafka session timeout: how soon a dead worker's partitions move ($FRAUDSTREAM_SESSION_TIMEOUT, default 10s).")
    var sessionTimeout: String?

    @Option(name: .customLong("drain-timeout"), help: "How long a stop or rebalance waits for in-flight batches ($FRAUDSTREAM_DRAIN_TIMEOUT, default 15s).")
    var drainTimeout: String?

    @Option(name: .customLong("allowed-lateness"), help: "How late an event may be and still land in its own window ($FRAUDSTREAM_ALLOWED_LATENESS, default 30s).")
    var allowedLateness: String?

    @Option(name: .customLong("max-clock-skew"), help: "How far a transaction's event time or a label's labeled_at may be ahead of its Kafka record timestamp before it is rejected as timestamp_out_of_range ($FRAUDSTREAM_MAX_CLOCK_SKEW, default 5m).")
    var maxClockSkew: String?

    @Option(name: .customLong("ready-max-lag"), help: "Most consumer lag, in records over all partitions, at which /readyz still answers 200 ($FRAUDSTREAM_READY_MAX_LAG, default 100000).")
    var readyMaxLag: Int?

    @Option(name: .customLong("kafka-property"), help: "A librdkafka property, key=value, for every client; repeatable.")
    var kafkaProperties: [String] = []

    @Flag(name: .customLong("no-migrate"), help: "Do not apply pending schema migrations at start.")
    var noMigrate = false

    @OptionGroup var database: DatabaseOptions

    /// The worker's configuration, with flags, then environment variables, then defaults.
    /// - Throws: `ValidationError` naming the flag (and variable) that is wrong and how to fix it.
    func configuration(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> WorkerConfiguration {
        func setting(_ flag: String?, _ variable: String) -> String? {
            flag ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let brokerList = setting(brokers, "KAFKA_BROKERS") else {
            throw ValidationError("no Kafka brokers: pass --brokers host:port or set KAFKA_BROKERS (try `fraudstream demo` for a self-contained run)")
        }
        let parsedBrokers: [String]
        do {
            parsedBrokers = try KafkaSettings.parseBrokers(brokerList)
        } catch {
            let problem = error.message.hasPrefix("brokers: ") ? String(error.message.dropFirst(9)) : error.message
            throw ValidationError("\(Self.source(flag: "brokers", variable: "KAFKA_BROKERS", flagGiven: brokers != nil)): \(problem)")
        }
        var configuration = WorkerConfiguration(
            brokers: parsedBrokers, group: setting(group, "FRAUDSTREAM_GROUP") ?? "fraudstream", database: database.configuration)
        do {
            configuration.kafkaProperties = try KafkaSettings.parseProperties(kafkaProperties)
        } catch {
            throw ValidationError("--kafka-property: \(error.message)")
        }
        configuration.schema = database.schema
        configuration.migrate = !noMigrate
        if let topic = setting(topic, "FRAUDSTREAM_TOPIC") { configuration.transactionsTopic = topic }
        if let topic = setting(labelsTopic, "FRAUDSTREAM_LABELS_TOPIC") { configuration.labelsTopic = topic == "none" ? nil : topic }
        if let topic = setting(deadLetterTopic, "FRAUDSTREAM_DEAD_LETTER_TOPIC") { configuration.deadLetterTopic = topic }
        if let topic = setting(alertsTopic, "FRAUDSTREAM_ALERTS_TOPIC") { configuration.alertsTopic = topic == "none" ? nil : topic }
        if let rows = try integer(batchRows, "batch-rows", "FRAUDSTREAM_BATCH_ROWS", environment) { configuration.maxBatchRows = rows }
        if let rows = try integer(maxPendingRows, "max-pending-rows", "FRAUDSTREAM_MAX_PENDING_ROWS", environment) { configuration.maxPendingRows = rows }
        if let value = try duration(flushInterval, "flush-interval", "FRAUDSTREAM_FLUSH_INTERVAL", environment) { configuration.flushInterval = value }
        if let value = try duration(checkpointInterval, "checkpoint-interval", "FRAUDSTREAM_CHECKPOINT_INTERVAL", environment) { configuration.checkpointInterval = value }
        if let value = try duration(sessionTimeout, "session-timeout", "FRAUDSTREAM_SESSION_TIMEOUT", environment) { configuration.sessionTimeout = value }
        if let value = try duration(drainTimeout, "drain-timeout", "FRAUDSTREAM_DRAIN_TIMEOUT", environment) { configuration.drainTimeout = value }
        if let value = try duration(allowedLateness, "allowed-lateness", "FRAUDSTREAM_ALLOWED_LATENESS", environment) { configuration.features.allowedLateness = value }
        if let value = try duration(maxClockSkew, "max-clock-skew", "FRAUDSTREAM_MAX_CLOCK_SKEW", environment) { configuration.maxClockSkew = value }
        do {
            try configuration.validate()
        } catch {
            throw ValidationError(describe(error, environment: environment))
        }
        return configuration
    }

    /// A setting that ``WorkerConfiguration/validate()`` refused, named as the person gave it:
    /// the flag, or the variable it came from.
    private func describe(_ error: WorkerConfigurationError, environment: [String: String]) -> String {
        // Each setting: the value its flag was given (nil if none), and its variable.
        let flags: [String: (given: String?, variable: String)] = [
            "group": (group, "FRAUDSTREAM_GROUP"), "topic": (topic, "FRAUDSTREAM_TOPIC"),
            "labels-topic": (labelsTopic, "FRAUDSTREAM_LABELS_TOPIC"), "dead-letter-topic": (deadLetterTopic, "FRAUDSTREAM_DEAD_LETTER_TOPIC"),
            "alerts-topic": (alertsTopic, "FRAUDSTREAM_ALERTS_TOPIC"), "batch-rows": (batchRows.map(String.init), "FRAUDSTREAM_BATCH_ROWS"),
            "max-pending-rows": (maxPendingRows.map(String.init), "FRAUDSTREAM_MAX_PENDING_ROWS"),
            "flush-interval": (flushInterval, "FRAUDSTREAM_FLUSH_INTERVAL"), "checkpoint-interval": (checkpointInterval, "FRAUDSTREAM_CHECKPOINT_INTERVAL"),
            "session-timeout": (sessionTimeout, "FRAUDSTREAM_SESSION_TIMEOUT"), "drain-timeout": (drainTimeout, "FRAUDSTREAM_DRAIN_TIMEOUT"),
            "max-clock-skew": (maxClockSkew, "FRAUDSTREAM_MAX_CLOCK_SKEW"),
        ]
        switch error.setting {
        case "topics":
            return "--topic, --labels-topic, --dead-letter-topic and --alerts-topic (or their FRAUDSTREAM_* variables) must name different topics: \(error.problem)"
        case "schema":
            // The schema flag's default is the variable's value, so whether it was typed is unknown.
            let variable = environment["FRAUDSTREAM_SCHEMA"].map { $0 == database.schema ? " (or FRAUDSTREAM_SCHEMA)" : "" } ?? ""
            return "--schema\(variable): \(error.problem)"
        default:
            guard let flag = flags[error.setting] else { return "--\(error.setting): \(error.problem)" }
            let fromVariable = flag.given == nil && !(environment[flag.variable] ?? "").isEmpty
            return "\(Self.source(flag: error.setting, variable: flag.variable, flagGiven: !fromVariable)): \(error.problem)"
        }
    }

    /// `--flag`, or `VARIABLE (for --flag)` when the value came from the variable.
    private static func source(flag: String, variable: String, flagGiven: Bool) -> String {
        flagGiven ? "--\(flag)" : "\(variable) (for --\(flag))"
    }

    /// The most total consumer lag at which `/readyz` answers 200: the flag, then
    /// `FRAUDSTREAM_READY_MAX_LAG`, then 100,000 records.
    /// - Throws: `ValidationError` naming the flag or variable when the value is not a whole
    ///   number of at least 0.
    func readyMaxLag(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int64 {
        guard let value = try integer(readyMaxLag, "ready-max-lag", "FRAUDSTREAM_READY_MAX_LAG", environment) else { return 100_000 }
        guard value >= 0 else {
            let source = readyMaxLag != nil ? "--ready-max-lag" : "FRAUDSTREAM_READY_MAX_LAG (for --ready-max-lag)"
            throw ValidationError("\(source): expected a number of records of 0 or more, got \(value)")
        }
        return Int64(value)
    }

    /// The model to score with, and the version stored with each row: the file's name and a
    /// hash of its bytes, so two different files never share a version.
    /// - Throws: `ValidationError` naming `--model` or `FRAUDSTREAM_MODEL` when the file given
    ///   cannot be read or is not a model.
    func loadModel(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (ModelFile, String) {
        let path = model ?? environment["FRAUDSTREAM_MODEL"].flatMap { $0.isEmpty ? nil : $0 }
        let url = try path.map { URL(fileURLWithPath: $0) } ?? DefaultModel.url()
        let file: ModelFile
        do {
            file = try ModelFile.load(url.path)
        } catch {
            guard path != nil else { throw error }
            throw ValidationError("\(Self.source(flag: "model", variable: "FRAUDSTREAM_MODEL", flagGiven: model != nil)): \(error)")
        }
        let bytes = (try? Data(contentsOf: url)) ?? Data()
        let name = path == nil ? "default" : url.deletingPathExtension().lastPathComponent
        return (file, "\(name)-\(String(StableHash.fnv1a(bytes) >> 32, radix: 16))")
    }

    private func integer(_ flag: Int?, _ name: String, _ variable: String, _ environment: [String: String]) throws -> Int? {
        if let flag { return flag }
        guard let text = environment[variable], !text.isEmpty else { return nil }
        guard let value = Int(text) else { throw ValidationError("\(variable) (for --\(name)): expected a whole number, got \"\(text)\"") }
        return value
    }

    private func duration(_ flag: String?, _ name: String, _ variable: String, _ environment: [String: String]) throws -> Duration? {
        let source = flag != nil ? "--\(name)" : "\(variable) (for --\(name))"
        guard let text = flag ?? environment[variable].flatMap({ $0.isEmpty ? nil : $0 }) else { return nil }
        do {
            return try GeneratorDurationParser.parse(text, flag: source)
        } catch {
            throw ValidationError(error.message)
        }
    }
}
