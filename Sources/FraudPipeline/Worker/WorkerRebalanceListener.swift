import FraudCore
import FraudModel
import Kafka
import Logging
import Postgres

/// Takes over and releases partitions for the worker, with PostgreSQL as the source of truth.
///
/// On assignment it reads each partition's checkpoint (feature state at offset `c`) and its
/// committed next offset `n`, restores the state, and starts the partition at `c`: records
/// `c..<n` are processed again only to rebuild the state (their outputs were written by the
/// previous owner and are dropped), so features come out exactly as in an uninterrupted run.
/// Without a checkpoint the partition is read from its start. On revocation it hands the
/// partitions to the processing stage to drain (write what is in flight, save final
/// checkpoints) and waits for that, up to the drain timeout.
struct WorkerRebalanceListener: KafkaRebalanceListener {
    let control: AsyncStream<ProcessingInput>.Continuation
    let connection: PostgresConnection
    let configuration: WorkerConfiguration
    /// The model new partitions start with (the processing stage re-checks it per batch).
    let models: ModelSelection
    let retry: DatabaseRetry
    let logger: Logger

    func partitionsAssigned(_ partitions: [KafkaTopicPartition]) async -> [KafkaTopicPartition: KafkaStartOffset] {
        let mine = partitions.filter { $0.topic == configuration.transactionsTopic }
        guard !mine.isEmpty else { return [:] }
        var assigned: [AssignedPartition] = []
        var starts: [KafkaTopicPartition: KafkaStartOffset] = [:]
        for topicPartition in mine {
            // The consumer cannot start the partition without its offsets: wait for the database,
            // whatever the failure (it is logged once), unless the worker is stopping.
            guard let partition = try? await retry.run(
                "reading the checkpoint of partition \(topicPartition.partition)", isRetryable: { _ in true },
                { try await restore(topicPartition.partition) })
            else {
                return [:]
            }
            assigned.append(partition)
            // An exact offset, never "beginning": records deleted by retention then show up as a gap.
            starts[topicPartition] = .offset(partition.startOffset)
        }
        let installed = Completion()
        guard case .enqueued = control.yield(.control(.assign(assigned, installed: installed))) else { return starts }
        await installed.wait()
        return starts
    }

    func partitionsRevoked(_ partitions: [KafkaTopicPartition]) async {
        let mine = partitions.filter { $0.topic == configuration.transactionsTopic }.map(\.partition)
        guard !mine.isEmpty else { return }
        let drained = Completion()
        guard case .enqueued = control.yield(.control(.revoke(mine, drained: drained))) else { return }
        if await !drained.wait(timeout: configuration.drainTimeout) {
            logger.warning("partitions released before their in-flight batches were written; the next owner replays them", metadata: [
                "partitions": "\(mine.sorted())", "timeout": "\(configuration.drainTimeout)",
            ])
        }
    }

    /// The partition's processor and offsets, from its checkpoint and committed offset.
    private func restore(_ partition: Int32) async throws -> AssignedPartition {
        let group = configuration.group
        let topic = configuration.transactionsTopic
        let committed = try await OffsetStore(schema: configuration.schema)
            .nextOffset(group: group, topic: topic, partition: partition, on: connection) ?? 0
        let checkpoint = try await CheckpointStore(schema: configuration.schema)
            .load(group: group, topic: topic, partition: partition, on: connection)
        let scoring = models.current
        let model = scoring.model
        let modelVersion = scoring.version
        var metadata: Logger.Metadata = ["partition": "\(partition)", "committedOffset": "\(committed)"]
        if let checkpoint, checkpoint.featureSchemaVersion == FeatureSchema.current.version {
            do {
                var processor = try PartitionProcessor(
                    partition: partition, restoring: checkpoint.snapshot, configuration: configuration.features,
                    model: model, modelVersion: modelVersion)
                processor.maxClockSkew = configuration.maxClockSkew
                metadata["checkpointOffset"] = "\(checkpoint.stateOffset)"
                logger.info("partition assigned; state restored from its checkpoint", metadata: metadata)
                return AssignedPartition(processor: processor, startOffset: checkpoint.stateOffset, replayUntil: committed)
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
        return AssignedPartition(processor: processor, startOffset: 0, replayUntil: committed)
    }
}
