import FraudCore
import FraudModel
import Kafka
import Logging
import Postgres

/// Takes over and releases partitions for the worker, with PostgreSQL as the source of truth.
///
/// On assignment it answers at once, assigning the partitions ``Kafka/KafkaStartOffset/held``,
/// so librdkafka's poll thread never waits for the database (a database outage during a
/// rebalance cannot keep the worker from polling past `max.poll.interval.ms`). A task then takes
/// each partition over (``PartitionTakeover``):
/// 1. it claims the partition's next ownership epoch, which also reads its committed next
///    offset `n` (``OffsetStore/claim(_:group:topic:on:)``); writes of an earlier owner are
///    refused from then on;
/// 2. it reads the checkpoint (feature state at offset `c`) and restores the state;
/// 3. it checks that the partition's log reaches `n`: a log that ends before it was deleted and
///    recreated, or truncated, and the partition is stopped
///    (``LogEndsBeforeCommittedOffset``) rather than dropping new records as replays;
/// 4. it hands the partition to the processing stage and starts it in the consumer at `c`.
///    Records `c..<n` are processed again only to rebuild the state (their outputs were written
///    by the previous owner and are dropped), so features come out exactly as in an
///    uninterrupted run. Without a checkpoint the partition is read from its start.
///
/// The database is retried while it is unreachable; an error no retry can fix (permission
/// denied, missing tables) stops the worker with a ``DatabaseAccessError``. On revocation
/// the listener hands the partitions to the processing stage to drain (write what is in flight,
/// save final checkpoints) and waits for that, up to the drain timeout.
struct WorkerRebalanceListener: KafkaRebalanceListener {
    let control: AsyncStream<ProcessingInput>.Continuation
    let connection: PostgresConnection
    let configuration: WorkerConfiguration
    /// The model new partitions start with (the processing stage re-checks it per batch).
    let models: ModelSelection
    let retry: DatabaseRetry
    let takeover: PartitionTakeover
    let metrics: WorkerMetrics
    let logger: Logger

    func partitionsAssigned(_ partitions: [KafkaTopicPartition]) async -> [KafkaTopicPartition: KafkaStartOffset] {
        let mine = partitions.filter { $0.topic == configuration.transactionsTopic }.sorted()
        guard !mine.isEmpty else { return [:] }
        let tickets = takeover.assign(mine.map(\.partition))
        takeover.enqueue { [self] in
            for partition in mine {
                guard let ticket = tickets[partition.partition] else { continue }
                guard await takeOver(partition, ticket: ticket) else { return }
            }
        }
        return Dictionary(uniqueKeysWithValues: mine.map { ($0, KafkaStartOffset.held) })
    }

    func partitionsRevoked(_ partitions: [KafkaTopicPartition]) async {
        let mine = partitions.filter { $0.topic == configuration.transactionsTopic }.map(\.partition)
        guard !mine.isEmpty else { return }
        takeover.revoke(mine)
        let drained = Completion()
        guard case .enqueued = control.yield(.control(.revoke(mine, drained: drained))) else { return }
        if await !drained.wait(timeout: configuration.drainTimeout) {
            logger.warning("partitions released before their in-flight batches were written; the next owner replays them", metadata: [
                "partitions": "\(mine.sorted())", "timeout": "\(configuration.drainTimeout)",
            ])
        }
    }

    /// Takes one partition over, unless it was revoked meanwhile.
    /// - Returns: `false` when the worker must stop taking partitions over (it is stopping, or
    ///   failed for good).
    private func takeOver(_ partition: KafkaTopicPartition, ticket: Int) async -> Bool {
        guard takeover.isCurrent(partition.partition, ticket) else { return true }
        let assigned: AssignedPartition?
        do {
            assigned = try await restore(partition)
        } catch {
            if Task.isCancelled || error is CancellationError { return false }
            control.yield(.control(.fail(DatabaseAccessError(
                operation: "take over partition \(partition.partition)", schema: configuration.schema, underlying: error))))
            return false
        }
        guard let assigned else { return true }
        let installed = Completion()
        let handedOver = takeover.ifCurrent(partition.partition, ticket) {
            _ = control.yield(.control(.assign([assigned], installed: installed)))
        }
        guard handedOver else { return true }
        // Records of the partition flow only once processing has its slot: they must not
        // overtake the assignment in the merged input.
        await installed.wait()
        takeover.start(partition, at: assigned.startOffset, ticket: ticket)
        return !Task.isCancelled
    }

    /// The partition's processor and offsets, from its claim and checkpoint; `nil` when the
    /// partition's log ends before its committed offset (it stays stopped).
    private func restore(_ topicPartition: KafkaTopicPartition) async throws -> AssignedPartition? {
        let partition = topicPartition.partition
        let group = configuration.group
        let topic = configuration.transactionsTopic
        let claim = try await retry.run("claiming partition \(partition)") {
            try await OffsetStore(schema: configuration.schema).claim(partition, group: group, topic: topic, on: connection)
        }
        let checkpoint = try await retry.run("reading the checkpoint of partition \(partition)") {
            try await CheckpointStore(schema: configuration.schema).load(group: group, topic: topic, partition: partition, on: connection)
        }
        let committed = claim.nextOffset
        if committed > 0 {
            let log = try await logRange(of: topicPartition)
            if log.upperBound < committed {
                metrics.update { $0.stoppedPartitions += 1 }
                logger.error(LogEndsBeforeCommittedOffset.message, metadata: LogEndsBeforeCommittedOffset.metadata(
                    partition: partition, committedOffset: committed, log: log))
                return nil
            }
        }
        let scoring = models.current
        let model = scoring.model
        let modelVersion = scoring.version
        var metadata: Logger.Metadata = [
            "partition": "\(partition)", "committedOffset": "\(committed)", "ownerEpoch": "\(claim.ownerEpoch)",
        ]
        if let checkpoint, checkpoint.featureSchemaVersion == FeatureSchema.current.version {
            do {
                var processor = try PartitionProcessor(
                    partition: partition, restoring: checkpoint.snapshot, configuration: configuration.features,
                    model: model, modelVersion: modelVersion)
                processor.maxClockSkew = configuration.maxClockSkew
                metadata["checkpointOffset"] = "\(checkpoint.stateOffset)"
                logger.info("partition assigned; state restored from its checkpoint", metadata: metadata)
                return AssignedPartition(
                    processor: processor, startOffset: checkpoint.stateOffset, replayUntil: committed, ownerEpoch: claim.ownerEpoch)
            } catch {
                metadata["error"] = "\(error)"
                logger.warning("partition checkpoint unusable; rebuilding state from the start of the partition", metadata: metadata)
            }
        } else if let checkpoint {
            metadata["checkpointSchemaVersion"] = "\(checkpoint.featureSchemaVersion)"
            logger.warning("partition checkpoint is of another feature schema; rebuilding state from the start of the partition", metadata: metadata)
        } else {
            logger.info("partition assigned; no checkpoint, reading it from the start", metadata: metadata)
        }
        var processor = try PartitionProcessor(
            partition: partition, configuration: configuration.features, model: model, modelVersion: modelVersion)
        processor.maxClockSkew = configuration.maxClockSkew
        return AssignedPartition(processor: processor, startOffset: 0, replayUntil: committed, ownerEpoch: claim.ownerEpoch)
    }

    /// The partition's log range on the broker, asked again with backoff while Kafka does not
    /// answer (a stopping worker cancels the wait).
    private func logRange(of partition: KafkaTopicPartition) async throws -> Range<Int64> {
        var backoff = Duration.milliseconds(200)
        var logged = false
        while true {
            guard let consumer = takeover.consumer else { throw CancellationError() }
            do {
                return try await consumer.logRange(of: partition)
            } catch {
                if !logged {
                    logged = true
                    logger.warning("could not read the partition's log range from Kafka; retrying before taking it over", metadata: [
                        "partition": "\(partition.partition)", "error": "\(error)",
                    ])
                }
                try await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
    }
}
