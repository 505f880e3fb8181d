import FraudCore
import AsyncAlgorithms
import FraudModel
import Kafka
import Logging
import Postgres
import ServiceLifecycle
import Synchronization

/// The long-running fraud-scoring process: a consumer-group member that reads transactions,
/// computes features per partition, scores them and writes the results to PostgreSQL exactly
/// once.
///
/// Three stages connected by bounded hand-offs:
/// 1. the ``Kafka/KafkaConsumer`` yields per-partition batches (bounded per partition; a full
///    partition is paused while polling goes on, so the group membership holds);
/// 2. ``ProcessingStage`` runs each partition's ``PartitionProcessor`` (its ``FraudCore/PartitionActor``
///    and the model) and applies rebalances in order with the records;
/// 3. ``SinkStage`` writes rows, offsets, rejects and checkpoints in one database transaction,
///    with dead letters and alerts on Kafka, retrying while PostgreSQL is away.
///
/// A ``labelsTopic`` consumer upserts labels alongside.
///
/// The model comes from the registry (``ModelRegistry``) when it has an active version, else it
/// is ``model``. A ``ModelSwitcher`` listens for activations (PostgreSQL `NOTIFY`) and switches
/// models between batches: every batch is scored wholly by one version, which each row records.
/// ``run()`` ends after ``stop()`` (or the
/// service group's graceful shutdown on SIGTERM) once the partitions are drained, committed and
/// checkpointed; it throws when a stage fails for good.
public final class Worker: Service, Sendable {
    /// The settings the worker runs with.
    public let configuration: WorkerConfiguration
    /// The model to score with when the registry has no active version, and its threshold.
    public let model: ModelFile
    /// The version stored with each row ``model`` scores.
    public let modelVersion: String
    /// The worker's counters.
    public let metrics: WorkerMetrics
    private let logger: Logger

    private struct RunState {
        var stopRequested = false
        var stopping = Completion()
        var consumer: KafkaConsumer?
        var control: AsyncStream<ProcessingInput>.Continuation?
    }
    private let runState = Mutex(RunState())

    /// Creates a worker; nothing connects before ``run()``.
    /// - Parameters:
    ///   - configuration: The settings; checked by ``run()``.
    ///   - model: The model used when the registry has no active version; it must read the
    ///     current feature schema.
    ///   - modelVersion: The version stored with each row `model` scores.
    ///   - metrics: Where the worker counts what it does.
    ///   - logger: Receives state changes, never per-message lines.
    public init(
        configuration: WorkerConfiguration, model: ModelFile, modelVersion: String,
        metrics: WorkerMetrics = WorkerMetrics(), logger: Logger = Logger(label: "fraudstream.worker")
    ) {
        self.configuration = configuration
        self.model = model
        self.modelVersion = modelVersion
        self.metrics = metrics
        self.logger = logger
    }

    /// Runs until stopped.
    /// - Throws: ``WorkerConfigurationError`` for a bad setting, ``Postgres/PostgresError`` when the
    ///   database cannot be reached at start, ``Kafka/KafkaError`` when Kafka fails, or the first
    ///   error that retrying cannot fix.
    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await runPipeline()
        } onGracefulShutdown: {
            self.stop()
        }
    }

    /// Begins a graceful stop: leave the group after draining, committing and checkpointing
    /// every partition. ``run()`` returns when it is done. Safe to call at any time, repeatedly.
    public func stop() {
        let (consumer, control) = runState.withLock { state in
            state.stopRequested = true
            state.stopping.complete()
            return (state.consumer, state.control)
        }
        guard let consumer else { return }
        logger.info("stopping: draining partitions before leaving the group")
        Task {
            await consumer.close()
            control?.finish()
        }
    }

    private func runPipeline() async throws {
        try configuration.validate()
        _ = try PartitionProcessor(partition: 0, model: model, modelVersion: modelVersion)
        let configuration = configuration
        let metrics = metrics
        let logger = logger
        let retry = DatabaseRetry(logger: logger) { unavailable in
            metrics.update { $0.databaseUnavailable = unavailable }
        }

        let controlConnection = try await PostgresConnection.connect(configuration.database, logger: logger)
        let migrator = try SchemaMigrator(schema: configuration.schema)
        if configuration.migrate {
            let applied = try await migrator.migrate(controlConnection, logger: logger)
            if !applied.isEmpty { logger.notice("schema migrated", metadata: ["versions": "\(applied.map(\.version))"]) }
        } else {
            let applied = try await migrator.appliedVersions(controlConnection)
            let wanted = migrator.migrations.map(\.version)
            guard applied == wanted else {
                await controlConnection.close()
                throw WorkerConfigurationError(
                    setting: "no-migrate",
                    problem: "schema \(configuration.schema) has migrations \(applied) applied, and this build needs \(wanted): "
                        + "run `fraudstream migrate` with the same --database and --schema first, or start the worker without --no-migrate")
            }
        }
        let sinkConnection = try await PostgresConnection.connect(configuration.database, logger: logger)
        let relayConnection = try await PostgresConnection.connect(configuration.database, logger: logger)
        let registry = try ModelRegistry(schema: configuration.schema)
        let registryConnection = try await PostgresConnection.connect(configuration.database, logger: logger)
        // Listening starts before the active version is read, so no activation falls in between.
        let modelListener = try await PostgresNotificationListener.listen(
            channel: ModelRegistry.activationChannel, configuration: configuration.database, logger: logger)
        defer { modelListener.stop() }  // also when a later step throws; stopping twice is harmless
        let (startModel, startVersion) = await startingModel(registry: registry, connection: registryConnection)
        let models = ModelSelection(model: startModel, version: startVersion)
        metrics.update { $0.modelVersion = startVersion }
        let labelsConnection = configuration.labelsTopic == nil
            ? nil : try await PostgresConnection.connect(configuration.database, logger: logger)

        var producerConfiguration = DeadLetterSink.producerConfiguration(bootstrapServers: configuration.brokers)
        producerConfiguration.additionalProperties.merge(configuration.kafkaProperties) { _, given in given }
        producerConfiguration.clientID = "fraudstream-worker"
        // Alerts and dead letters are few, and each one's latency is the relay's: send them at
        // once rather than waiting for company.
        producerConfiguration.linger = .zero
        producerConfiguration.additionalProperties["socket.nagle.disable"] = "true"
        let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
        // Find the brokers now, not with the first alert: that alert and every one behind it
        // would wait for the lookup (about 0.8 s on the embedded cluster). Kafka being away is
        // not an error here; the relay's sends wait for it.
        let producerWarmUp = Task { try? await producer.connect(timeout: .seconds(2)) }

        let (controlStream, control) = AsyncStream<ProcessingInput>.makeStream()
        let takeover = PartitionTakeover()
        let listener = WorkerRebalanceListener(
            control: control, connection: controlConnection, configuration: configuration,
            models: models, retry: retry, takeover: takeover, metrics: metrics, logger: logger)
        let consumer = try KafkaConsumer(configuration: consumerConfiguration(), listener: listener, logger: logger)
        takeover.attach(consumer)
        let labelsConsumer = try configuration.labelsTopic.map { topic in
            var labels = consumerConfiguration(topic: topic, group: configuration.group + ".labels")
            labels.clientID = "fraudstream-worker-labels"
            return try KafkaConsumer(configuration: labels, logger: logger)
        }
        let stopRequested = runState.withLock { state in
            state.consumer = consumer
            state.control = control
            return state.stopRequested
        }
        if stopRequested { stop() }
        metrics.setLagSource { consumer.lag() }
        logger.info("worker started", metadata: [
            "group": "\(configuration.group)", "topic": "\(configuration.transactionsTopic)",
            "database": "\(controlConnection.target)", "schema": "\(configuration.schema)", "model": "\(startVersion)",
        ])

        let queue = SinkQueue(capacity: configuration.maxPendingRows)
        let committer = OffsetCommitter(consumer: consumer, logger: logger)
        let processing = ProcessingStage(
            queue: queue, consumer: consumer, metrics: metrics, checkpointInterval: configuration.checkpointInterval,
            models: models, logger: logger)
        let outbox = Outbox(schema: configuration.schema)
        let relay = OutboxRelay(
            outbox: outbox, connection: relayConnection, producer: producer,
            retry: DatabaseRetry(logger: logger), metrics: metrics, logger: logger)
        var sinkSetup = SinkStage(
            queue: queue,
            sink: ScoredTransactionSink(connection: sinkConnection, schema: configuration.schema, rowCapacity: configuration.maxBatchRows),
            deadLetters: DeadLetterSink(topic: configuration.deadLetterTopic, schema: configuration.schema),
            alerts: configuration.alertsTopic.map { FraudAlertEncoder(topic: $0, models: models) },
            outbox: outbox, relay: relay,
            checkpoints: CheckpointStore(schema: configuration.schema), committer: committer, metrics: metrics,
            group: configuration.group, topic: configuration.transactionsTopic,
            maxBatchRows: configuration.maxBatchRows, flushInterval: configuration.flushInterval, retry: retry, logger: logger)
        sinkSetup.onFenced = { partitions in control.yield(.control(.drop(partitions))) }
        let sinkStage = sinkSetup
        let input = merge(consumer.events.map { @Sendable event in ProcessingInput.kafka(event) }, controlStream)

        let committerTask = Task { await committer.run(every: .seconds(1)) }
        let switcherTask = Task {
            await ModelSwitcher(
                selection: models, registry: registry, connection: registryConnection, listener: modelListener,
                metrics: metrics, logger: logger
            ).run()
        }
        let labelsTask = zip(labelsConsumer, labelsConnection).map { labelsConsumer, labelsConnection in
            Task {
                try await LabelIngestor(
                    consumer: labelsConsumer, connection: labelsConnection, schema: configuration.schema,
                    maxClockSkew: configuration.maxClockSkew, logger: logger)
                    .run { progress in metrics.update { $0.labels = progress.labels } }
            }
        }

        var failure: (any Error)?
        var pastDeadline = false
        let stopping = runState.withLock { $0.stopping }
        await withTaskGroup(of: StageOutcome.self) { group in
            group.addTask {
                do { try await processing.run(input) } catch { return .failed(.processing, error) }
                return .finished(.processing)
            }
            group.addTask {
                do { try await sinkStage.run() } catch { return .failed(.sink, error) }
                return .finished(.sink)
            }
            group.addTask {
                do { try await relay.run() } catch { return .failed(.relay, error) }
                return .finished(.relay)
            }
            // A stop ends within the drain timeout plus a margin even when PostgreSQL is away:
            // what is not written by then stays uncommitted, and the next owner replays it.
            group.addTask {
                await stopping.wait()
                do { try await Task.sleep(for: configuration.drainTimeout + Self.stopMargin) } catch { return .finished(.deadline) }
                return .deadline
            }
            var running = 3
            for await outcome in group {
                switch outcome {
                case .finished(let stage):
                    guard stage != .deadline else { continue }
                    running -= 1
                    // The relay's last pass sends what the sink's last write committed.
                    if stage == .sink { relay.finish() }
                case .deadline:
                    pastDeadline = true
                    logger.error("stopping before everything in flight was written (PostgreSQL or Kafka unavailable); it is not committed, and the next owner of the partitions replays it", metadata: [
                        "waited": "\(configuration.drainTimeout + Self.stopMargin)",
                    ])
                    control.finish()
                    queue.finish()
                    group.cancelAll()
                    continue
                case .failed(let stage, let error):
                    running -= 1
                    if stage == .sink { relay.finish() }
                    if failure == nil, !(pastDeadline && error is CancellationError) {
                        failure = error
                        logger.critical("worker stage failed; stopping", metadata: ["stage": "\(stage)", "error": "\(error)"])
                        // Nothing will drain now: end the hand-offs first so the consumer's close does
                        // not wait for them.
                        control.finish()
                        queue.finish()
                        stop()
                    }
                }
                if running == 0 { group.cancelAll() }
            }
        }
        takeover.cancelAll()
        if pastDeadline {
            labelsTask?.cancel()
            failure = failure ?? WorkerStopTimeout(waited: configuration.drainTimeout + Self.stopMargin)
        }

        committerTask.cancel()
        await committerTask.value
        modelListener.stop()
        await switcherTask.value
        await consumer.close()
        metrics.setLagSource(nil)
        await labelsConsumer?.close()
        if let labelsTask, case .failure(let error) = await labelsTask.result {
            logger.error("labels ingestion failed", metadata: ["error": "\(error)"])
            failure = failure ?? error
        }
        await producerWarmUp.value
        do {
            try await producer.close(timeout: .seconds(10))
        } catch {
            logger.error("dead letters or alerts still unsent at exit", metadata: ["error": "\(error)"])
        }
        await sinkConnection.close()
        await relayConnection.close()
        await controlConnection.close()
        await registryConnection.close()
        await labelsConnection?.close()
        logger.info("worker stopped", metadata: ["written": "\(metrics.snapshot().written)"])
        if let failure { throw failure }
    }

    /// What a stop may take beyond the drain timeout (the sink's last write, closing clients)
    /// before the worker gives up on what is still unwritten.
    static let stopMargin: Duration = .seconds(5)

    /// How one of the worker's concurrent jobs ended.
    private enum StageOutcome {
        /// The worker's concurrent jobs.
        enum Stage {
            case processing, sink, relay
            /// The stop deadline's timer, cancelled.
            case deadline
        }
        case finished(Stage)
        case failed(Stage, any Error)
        /// The stop took longer than the drain timeout plus ``stopMargin``.
        case deadline
    }

    /// The registry's active version if it has one this build can score with, else ``model``.
    private func startingModel(registry: ModelRegistry, connection: PostgresConnection) async -> (ModelFile, String) {
        do {
            if let active = try await registry.activeVersion(on: connection) {
                let loaded = try await registry.load(active, on: connection)
                logger.info("scoring with the registry's active model version", metadata: ["model": "\(active)"])
                return (loaded, active)
            }
            logger.info("no active model version in the registry; scoring with the model file", metadata: ["model": "\(modelVersion)"])
        } catch {
            logger.error("the registry's active model version cannot be used; scoring with the model file", metadata: [
                "model": "\(modelVersion)", "error": "\(error)",
            ])
        }
        return (model, modelVersion)
    }

    private func consumerConfiguration(topic: String? = nil, group: String? = nil) -> KafkaConsumerConfiguration {
        var consumer = KafkaConsumerConfiguration(
            bootstrapServers: configuration.brokers, groupID: group ?? configuration.group,
            topics: [topic ?? configuration.transactionsTopic])
        consumer.clientID = "fraudstream-worker"
        consumer.initialOffset = .beginning
        consumer.sessionTimeout = configuration.sessionTimeout
        consumer.additionalProperties["max.poll.interval.ms"] = String(FeatureConfiguration.milliseconds(configuration.maxPollInterval))
        consumer.fetchMaxWait = configuration.fetchMaxWait
        consumer.maxBatchSize = configuration.maxRecordsPerBatch
        consumer.additionalProperties.merge(configuration.kafkaProperties) { _, given in given }
        return consumer
    }
}

/// A stop that could not write everything in flight within the drain timeout plus a margin,
/// because PostgreSQL or Kafka was unavailable; nothing is lost (it was not committed, and the
/// next owner replays it).
public struct WorkerStopTimeout: Error, Sendable, CustomStringConvertible {
    /// How long the stop waited.
    public var waited: Duration

    public var description: String {
        "stopped after \(waited) with batches still unwritten (PostgreSQL or Kafka unavailable); they were not committed, "
            + "and the next worker to own their partitions reads them again"
    }
}

private func zip<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
