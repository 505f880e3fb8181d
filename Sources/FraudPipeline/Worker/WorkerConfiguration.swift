import FraudCore
import Kafka
import Postgres

/// Everything a ``Worker`` needs to know, validated by ``validate()`` before it starts.
public struct WorkerConfiguration: Sendable {
    /// The Kafka bootstrap servers, as `host:port`.
    public var brokers: [String]
    /// The consumer group: workers of one group share the partitions, and `stream_offsets`
    /// and `partition_checkpoints` are kept per group.
    public var group: String
    /// The topic of transactions to score.
    public var transactionsTopic = "transactions"
    /// The topic of fraud labels, upserted into `labels`; `nil` reads no labels.
    public var labelsTopic: String? = "transaction_labels"
    /// Where rejected messages go, with their reason in headers.
    public var deadLetterTopic = "transactions.dead_letters"
    /// Where flagged transactions go, as JSON alerts; `nil` publishes none.
    public var alertsTopic: String? = "fraud_alerts"
    /// The database to write to.
    public var database: PostgresConfiguration
    /// The PostgreSQL schema holding fraudstream's tables.
    public var schema = "fraudstream"
    /// Whether to apply pending migrations at start.
    public var migrate = true
    /// The most rows the sink writes in one database transaction.
    public var maxBatchRows = 5_000
    /// How long the sink waits for more rows before writing a batch smaller than
    /// ``maxBatchRows``; it never waits while a write is in flight, so batches grow with load.
    public var flushInterval: Duration = .milliseconds(5)
    /// How many processed rows may wait for the sink before processing stops pulling from
    /// Kafka (which then pauses the partitions).
    public var maxPendingRows = 20_000
    /// How often each partition's feature state is checkpointed.
    public var checkpointInterval: Duration = .seconds(5)
    /// How long a revocation or a graceful stop waits for in-flight batches to be written.
    public var drainTimeout: Duration = .seconds(15)
    /// librdkafka's `max.poll.interval.ms`, set deliberately: the longest the consumer's poll
    /// thread may go without polling before the member leaves its group. Only a revocation
    /// blocks it (for up to ``drainTimeout``; assignments never wait for the database), so the
    /// default is ``drainTimeout`` plus a minute, or ``sessionTimeout`` when that is longer
    /// (librdkafka refuses an interval below the session timeout). A `max.poll.interval.ms` in
    /// ``kafkaProperties`` overrides it and must exceed ``drainTimeout``.
    public var maxPollInterval: Duration {
        if let given = kafkaProperties["max.poll.interval.ms"], let milliseconds = Int64(given) {
            return .milliseconds(milliseconds)
        }
        return max(drainTimeout + .seconds(60), sessionTimeout)
    }
    /// The Kafka session timeout; a crashed worker's partitions move after this long.
    public var sessionTimeout: Duration = .seconds(10)
    /// The longest a broker holds an empty fetch; it bounds the latency at low rates.
    public var fetchMaxWait: Duration = .milliseconds(10)
    /// Records per partition batch handed to processing.
    public var maxRecordsPerBatch = 1_024
    /// The feature settings (lateness, TTL); the same as the checkpoints were taken with.
    public var features = FeatureConfiguration()
    /// How far a timestamp in a message (a transaction's event time, a label's `labeled_at`)
    /// may be ahead of its record's Kafka timestamp before the message is rejected as
    /// `timestamp_out_of_range`.
    public var maxClockSkew: Duration = Self.defaultMaxClockSkew
    /// The default ``maxClockSkew``: 5 minutes.
    public static let defaultMaxClockSkew: Duration = .seconds(300)
    /// Extra librdkafka properties for the consumers and producer (security, tuning).
    public var kafkaProperties: [String: String] = [:]

    /// Creates a configuration with the defaults above.
    /// - Parameters:
    ///   - brokers: The Kafka bootstrap servers.
    ///   - group: The consumer group.
    ///   - database: The database to write to.
    public init(brokers: [String], group: String = "fraudstream", database: PostgresConfiguration) {
        self.brokers = brokers
        self.group = group
        self.database = database
    }

    /// Checks every setting, naming the first one that is wrong and how to fix it.
    /// - Throws: ``WorkerConfigurationError``.
    public func validate() throws(WorkerConfigurationError) {
        func require(_ condition: Bool, _ setting: String, _ problem: String) throws(WorkerConfigurationError) {
            if !condition { throw WorkerConfigurationError(setting: setting, problem: problem) }
        }
        try require(!brokers.isEmpty && brokers.allSatisfy { !$0.isEmpty }, "brokers", "no Kafka broker given; pass --brokers host:port or set KAFKA_BROKERS")
        try require(!group.isEmpty, "group", "the consumer group name is empty")
        for (setting, topic) in [("topic", transactionsTopic), ("dead-letter-topic", deadLetterTopic)] + [("labels-topic", labelsTopic), ("alerts-topic", alertsTopic)].compactMap({ pair in pair.1.map { (pair.0, $0) } }) {
            try require(Self.isValidTopic(topic), setting, "\"\(topic)\" is not a valid Kafka topic name (1–249 of a-z A-Z 0-9 . _ -)")
        }
        let topics = [transactionsTopic, deadLetterTopic] + [labelsTopic, alertsTopic].compactMap { $0 }
        try require(Set(topics).count == topics.count, "topics", "the transactions, labels, dead-letter and alerts topics must differ; got \(topics.joined(separator: ", "))")
        do {
            _ = try SchemaMigrator(schema: schema)
        } catch {
            throw WorkerConfigurationError(setting: "schema", problem: "\(error)")
        }
        try require((1...1_000_000).contains(maxBatchRows), "batch-rows", "\(maxBatchRows) is outside 1…1000000")
        try require(maxPendingRows >= maxBatchRows, "max-pending-rows", "\(maxPendingRows) is below batch-rows (\(maxBatchRows)); it must hold at least one batch")
        try require(flushInterval >= .zero && flushInterval <= .seconds(10), "flush-interval", "\(flushInterval) is outside 0…10 s")
        try require(checkpointInterval >= .milliseconds(100), "checkpoint-interval", "\(checkpointInterval) is below 100 ms")
        try require(drainTimeout > .zero, "drain-timeout", "must be positive")
        try require(sessionTimeout >= .seconds(1) && sessionTimeout <= .seconds(300), "session-timeout", "\(sessionTimeout) is outside 1…300 s")
        if let given = kafkaProperties["max.poll.interval.ms"] {
            try require(
                Int64(given).map { .milliseconds($0) > drainTimeout && .milliseconds($0) >= sessionTimeout } ?? false, "kafka-property",
                "max.poll.interval.ms=\(given) must be a number of milliseconds above --drain-timeout (\(drainTimeout)) and at least "
                    + "--session-timeout (\(sessionTimeout)): a revocation blocks polling for up to the drain timeout")
        }
        try require(fetchMaxWait >= .milliseconds(1) && fetchMaxWait <= .seconds(5), "fetch-max-wait", "\(fetchMaxWait) is outside 1 ms…5 s")
        try require(maxClockSkew >= .seconds(1), "max-clock-skew", "\(maxClockSkew) is below 1 s")
        try require((1...100_000).contains(maxRecordsPerBatch), "max-records-per-batch", "\(maxRecordsPerBatch) is outside 1…100000")
    }

    /// Kafka's rule for topic names.
    static func isValidTopic(_ name: String) -> Bool {
        (1...249).contains(name.utf8.count) && name != "." && name != ".."
            && name.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
    }
}

/// A worker setting that cannot work, with the flag it comes from and what is wrong.
public struct WorkerConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The setting, named as its command-line flag without dashes.
    public var setting: String
    /// What is wrong and how to fix it.
    public var problem: String

    /// Creates an error.
    public init(setting: String, problem: String) {
        self.setting = setting
        self.problem = problem
    }

    public var description: String { "invalid worker setting --\(setting): \(problem)" }
}
