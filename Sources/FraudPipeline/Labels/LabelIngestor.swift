import FraudCore
import Kafka
import Logging
import Postgres

/// Keeps the `labels` table up to date from the labels topic.
///
/// Reads the topic as a consumer-group member, decodes each record with ``LabelDecoder``,
/// writes a batch through ``LabelStore`` and only then commits the group's offsets; after a
/// crash a batch is written again, which the latest-wins upsert makes harmless. While
/// PostgreSQL is unreachable the batch is retried with backoff (logged once), not dropped. Undecodable
/// records go to `rejected_transactions` with their reason, and so does a label whose
/// `labeled_at` is more than ``maxClockSkew`` after its record's Kafka timestamp
/// (`timestamp_out_of_range`): a label from the future would win every later correction. Records lost to retention are
/// logged as an error with their offsets before reading goes on.
public struct LabelIngestor: Sendable {
    /// Counts since the ingestor started.
    public struct Progress: Sendable, Hashable {
        /// Labels written.
        public var labels = 0
        /// Records rejected by the decoder.
        public var rejected = 0
        /// Records lost to retention before they were read.
        public var lost: Int64 = 0

        /// No progress yet.
        public init() {}
    }

    let consumer: KafkaConsumer
    let connection: PostgresConnection
    let store: LabelStore
    let decoder = LabelDecoder()
    let logger: Logger
    let retry: DatabaseRetry
    /// How far `labeled_at` may be ahead of its record's Kafka timestamp.
    public let maxClockSkew: Duration

    /// Creates an ingestor reading `consumer` (subscribed to the labels topic) and writing
    /// through `connection`.
    public init(
        consumer: KafkaConsumer, connection: PostgresConnection, schema: String, maxClockSkew: Duration = WorkerConfiguration.defaultMaxClockSkew,
        logger: Logger = Logger(label: "fraudstream.labels")
    ) {
        self.maxClockSkew = maxClockSkew
        self.consumer = consumer
        self.connection = connection
        self.store = LabelStore(schema: schema)
        self.logger = logger
        self.retry = DatabaseRetry(logger: logger)
    }

    /// Runs until the consumer is closed or the task is cancelled.
    ///
    /// - Parameter onProgress: called after each committed batch.
    /// - Throws: ``PostgresError`` that retrying cannot fix, or ``KafkaError`` when the consumer fails.
    public func run(onProgress: @Sendable (Progress) -> Void = { _ in }) async throws {
        var progress = Progress()
        for try await event in consumer.events {
            switch event {
            case .records(let batch):
                var labels: [LabelStore.Entry] = []
                var rejects: [RejectedMessage] = []
                labels.reserveCapacity(batch.records.count)
                let skew = FeatureConfiguration.milliseconds(maxClockSkew)
                for record in batch.records {
                    do throws(WireDecodingError) {
                        let label = try decoder.decode(record.value)
                        if let recordTime = record.timestampMillis, label.labeledAt.millisecondsSinceEpoch > recordTime + skew {
                            throw WireDecodingError.timestampOutOfRange(
                                field: "labeled_at", millisecondsSinceEpoch: label.labeledAt.millisecondsSinceEpoch,
                                recordTimestamp: recordTime, maxSkewMilliseconds: skew)
                        }
                        labels.append(LabelStore.Entry(label, partition: record.topicPartition.partition, offset: record.offset))
                    } catch {
                        rejects.append(RejectedMessage(
                            topic: record.topicPartition.topic, partition: record.topicPartition.partition,
                            offset: record.offset, error: error, payload: record.value))
                    }
                }
                let (labelsToWrite, rejectsToWrite) = (labels, rejects)
                try await retry.run("writing \(labels.count) labels") {
                    try await store.write(labelsToWrite, rejects: rejectsToWrite, on: connection)
                }
                do {
                    try await consumer.commit([batch.topicPartition: batch.nextOffset])
                } catch {
                    // After a rebalance or at close; the next reader writes the batch again, harmlessly.
                    logger.debug("could not commit the labels' offset", metadata: ["error": "\(error)"])
                }
                progress.labels += labels.count
                progress.rejected += rejects.count
                onProgress(progress)
            case .gap(let gap):
                progress.lost += gap.lostOffsets.map { Int64($0.count) } ?? 0
                logger.error("labels were lost before they could be read", metadata: ["gap": "\(gap)"])
                consumer.skipGap(gap)
            }
        }
    }
}
