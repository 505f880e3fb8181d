import FraudCore
import FraudModel
import Kafka

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The worker's compute stage for one partition: decodes a Kafka batch, computes the
/// features of its valid transactions and scores them with the model, doing no I/O.
///
/// A processor holds the partition's ``FraudCore/PartitionActor`` (its account state), the
/// model, one ``FraudCore/TransactionDecoder`` and the clock that stamps `scoredAt`. It is
/// a `Sendable` value, so the worker's task for the partition can own it; the state lives
/// in the actor and is shared by copies of the processor.
///
/// - Important: Processing is deterministic and order-dependent: the features of a
///   transaction depend on every transaction of its partition processed before it. Give
///   ``process(_:)`` the partition's batches in offset order, from one task at a time, with
///   no gaps or repeats beyond what a checkpoint restore replays. The same records give
///   bit-identical features and scores whatever the batch sizes, and a processor restored
///   from ``snapshot()`` continues exactly as the uninterrupted one would.
public struct PartitionProcessor: Sendable {
    /// Reads the wall clock as the time a batch is scored.
    public typealias Clock = @Sendable () -> EventTime

    /// The partition's feature state.
    public let partitionActor: PartitionActor
    /// The model and its decision threshold.
    public let model: ModelFile
    /// The model's version as stored with each scored row (`models.version`).
    public let modelVersion: String
    /// The decoder for record values.
    public let decoder: TransactionDecoder
    /// The clock that stamps ``ScoredTransaction/scoredAt``; read once per batch.
    public let clock: Clock
    /// How far a transaction's event time may be ahead of its record's Kafka timestamp; a
    /// transaction further ahead is rejected as `timestamp_out_of_range` instead of dragging the
    /// partition's watermark forward. `nil` checks nothing.
    public var maxClockSkew: Duration?

    /// The Kafka partition this processor works on.
    public var partition: Int32 {
        partitionActor.partition
    }

    /// Creates the processor of a partition around its actor.
    ///
    /// - Parameters:
    ///   - partitionActor: The partition's feature state; the processor is its only user.
    ///   - model: The model; it must read ``FraudCore/FeatureSchema/current``.
    ///   - modelVersion: The model's version, stored with each scored row.
    ///   - decoder: The decoder for record values.
    ///   - clock: The time stamped on scored rows (the wall clock unless given).
    /// - Throws: ``FraudModel/ModelError`` (`schemaMismatch`) naming both schemas when the model
    ///   was trained on another feature schema than the one this build computes.
    public init(
        partitionActor: PartitionActor,
        model: ModelFile,
        modelVersion: String,
        decoder: TransactionDecoder = TransactionDecoder(),
        clock: @escaping Clock = PartitionProcessor.wallClock
    ) throws(ModelError) {
        try Self.requireCurrentSchema(model)
        self.partitionActor = partitionActor
        self.model = model
        self.modelVersion = modelVersion
        self.decoder = decoder
        self.clock = clock
    }

    /// Creates the processor of a partition with no feature state yet.
    ///
    /// - Parameters:
    ///   - partition: The Kafka partition.
    ///   - configuration: The feature settings.
    ///   - model: The model; it must read ``FraudCore/FeatureSchema/current``.
    ///   - modelVersion: The model's version, stored with each scored row.
    ///   - decoder: The decoder for record values.
    ///   - clock: The time stamped on scored rows (the wall clock unless given).
    /// - Throws: ``FraudModel/ModelError`` for a model of another feature schema (checked first),
    ///   ``FraudCore/FeatureConfigurationError`` for a setting out of range.
    public init(
        partition: Int32,
        configuration: FeatureConfiguration = FeatureConfiguration(),
        model: ModelFile,
        modelVersion: String,
        decoder: TransactionDecoder = TransactionDecoder(),
        clock: @escaping Clock = PartitionProcessor.wallClock
    ) throws {
        try Self.requireCurrentSchema(model)
        try self.init(
            partitionActor: PartitionActor(partition: partition, configuration: configuration),
            model: model, modelVersion: modelVersion, decoder: decoder, clock: clock
        )
    }

    /// Creates the processor of a partition from a checkpoint of its state (see ``snapshot()``).
    ///
    /// - Parameters:
    ///   - partition: The Kafka partition.
    ///   - snapshot: Bytes from ``snapshot()``.
    ///   - configuration: The feature settings the snapshot was taken under.
    ///   - model: The model; it must read ``FraudCore/FeatureSchema/current``.
    ///   - modelVersion: The model's version, stored with each scored row.
    ///   - decoder: The decoder for record values.
    ///   - clock: The time stamped on scored rows (the wall clock unless given).
    /// - Throws: ``FraudModel/ModelError`` for a model of another feature schema (checked first),
    ///   ``FraudCore/FeatureSnapshotError`` when the snapshot cannot be restored.
    public init(
        partition: Int32,
        restoring snapshot: [UInt8],
        configuration: FeatureConfiguration = FeatureConfiguration(),
        model: ModelFile,
        modelVersion: String,
        decoder: TransactionDecoder = TransactionDecoder(),
        clock: @escaping Clock = PartitionProcessor.wallClock
    ) throws {
        try Self.requireCurrentSchema(model)
        try self.init(
            partitionActor: PartitionActor(partition: partition, restoring: snapshot, configuration: configuration),
            model: model, modelVersion: modelVersion, decoder: decoder, clock: clock
        )
    }

    /// The same partition (its feature state and decoder) scoring with another model from the
    /// next batch on: how a worker switches models between batches without touching the state.
    ///
    /// - Parameters:
    ///   - model: The new model; it must read ``FraudCore/FeatureSchema/current``.
    ///   - modelVersion: Its version, stored with each row it scores.
    /// - Returns: A processor sharing this one's ``partitionActor``; use it instead of this one.
    /// - Throws: ``FraudModel/ModelError`` (`schemaMismatch`) for a model of another feature schema.
    public func scoring(with model: ModelFile, modelVersion: String) throws(ModelError) -> PartitionProcessor {
        var processor = try PartitionProcessor(partitionActor: partitionActor, model: model, modelVersion: modelVersion, decoder: decoder, clock: clock)
        processor.maxClockSkew = maxClockSkew
        return processor
    }

    /// Decodes, featurises and scores one batch of the partition.
    ///
    /// Undecodable records become dead letters, never dropped; the valid transactions get
    /// their features in offset order and are scored in one call to the model.
    ///
    /// - Parameter batch: The partition's next records, in offset order.
    /// - Returns: The scored rows, the dead letters, the offset to commit and counts.
    /// - Precondition: `batch` is of this processor's partition.
    /// - Important: Call in offset order from one task at a time (see the type's notes).
    public func process(_ batch: KafkaRecordBatch) async -> ProcessedBatch {
        precondition(
            batch.topicPartition.partition == partition,
            "a batch of \(batch.topicPartition) given to the processor of partition \(partition)"
        )
        var transactions: [Transaction] = []
        var offsets: [Int64] = []
        var deadLetters: [DeadLetter] = []
        transactions.reserveCapacity(batch.records.count)
        offsets.reserveCapacity(batch.records.count)
        let skew = maxClockSkew.map(FeatureConfiguration.milliseconds)
        for record in batch.records {
            do throws(WireDecodingError) {
                let transaction = try decoder.decode(record.value)
                if let skew, let recordTime = record.timestampMillis, transaction.timestamp.millisecondsSinceEpoch > recordTime + skew {
                    throw WireDecodingError.timestampOutOfRange(
                        field: "timestamp", millisecondsSinceEpoch: transaction.timestamp.millisecondsSinceEpoch,
                        recordTimestamp: recordTime, maxSkewMilliseconds: skew)
                }
                transactions.append(transaction)
                offsets.append(record.offset)
            } catch {
                let rejected = RejectedMessage(
                    topic: record.topicPartition.topic, partition: record.topicPartition.partition,
                    offset: record.offset, error: error, payload: record.value
                )
                deadLetters.append(DeadLetter(rejected, key: record.key))
            }
        }

        let nextOffset = batch.nextOffset
        guard !transactions.isEmpty else {
            return ProcessedBatch(partition: partition, scored: [], deadLetters: deadLetters, nextOffset: nextOffset, flaggedCount: 0, lateCount: 0)
        }

        let features = await partitionActor.process(transactions)
        let rowCount = features.rowCount
        let scoringModel = model.model
        let scores = [Double](unsafeUninitializedCapacity: rowCount) { scores, initialized in
            features.values.withUnsafeBufferPointer { values in
                scoringModel.score(values, rowCount: rowCount, into: scores)
            }
            initialized = rowCount
        }

        let scoredAt = clock()
        let threshold = model.decisionThreshold
        let schemaVersion = Int32(FeatureSchema.current.version)
        var scored: [ScoredTransaction] = []
        scored.reserveCapacity(rowCount)
        var flaggedCount = 0
        var lateCount = 0
        for row in 0..<rowCount {
            let vector = features[row]
            let flagged = scores[row] >= threshold
            if flagged { flaggedCount += 1 }
            if vector[.late] != 0 { lateCount += 1 }
            scored.append(ScoredTransaction(
                transaction: transactions[row], features: vector, featureSchemaVersion: schemaVersion,
                score: scores[row], flagged: flagged, modelVersion: modelVersion,
                partition: partition, offset: offsets[row], scoredAt: scoredAt
            ))
        }
        return ProcessedBatch(partition: partition, scored: scored, deadLetters: deadLetters, nextOffset: nextOffset, flaggedCount: flaggedCount, lateCount: lateCount)
    }

    /// The partition's feature state as bytes, for a checkpoint at the offset after the last
    /// batch processed (see ``FraudCore/PartitionActor/snapshot()``).
    ///
    /// - Important: Take it between batches, from the task that calls ``process(_:)``, so it
    ///   reflects exactly the batches processed so far.
    public func snapshot() async -> [UInt8] {
        await partitionActor.snapshot()
    }

    /// The actor's running totals (late events, evictions, resident accounts) since it was
    /// created or restored.
    public var counters: FeatureCounters {
        get async { await partitionActor.counters }
    }

    /// The wall clock, in milliseconds since the epoch.
    public static let wallClock: Clock = {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return EventTime(millisecondsSinceEpoch: Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000)
    }

    /// Throws the model's schema-mismatch error unless it reads ``FraudCore/FeatureSchema/current``.
    private static func requireCurrentSchema(_ model: ModelFile) throws(ModelError) {
        let schema = FeatureSchema.current
        try model.requireFeatureSchema(name: schema.name, version: schema.version, featureNames: schema.featureNames)
    }
}
