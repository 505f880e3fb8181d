import FraudModel
import FraudPipeline
import Kafka
import Logging
import Postgres

/// The pipeline without I/O (decode, features and model on batches already in memory), row
/// encoding, and a plain binary COPY of the same rows into a copy of the scored table with the
/// same indexes: each timed on its own while the records are read once more.
struct ProcessingCeilings {
    let brokers: [String]
    let topic: String
    let expected: Int
    let model: ModelFile
    let modelVersion: String
    let environment: LoadTestEnvironment
    /// The worker's schema; the copy of its table goes there.
    let schema: String
    let logger: Logger

    struct Result {
        var pipelinePerSecond: Double
        var encodingPerSecond: Double
        var copyPerSecond: Double
    }

    /// Rows per COPY, as the worker's default batch.
    private let copyRows = 5_000

    func run() async throws -> Result {
        let connection = try await environment.connect()
        defer { Task { await connection.close() } }
        try await connection.execute("DROP TABLE IF EXISTS \(schema).copy_ceiling")
        try await connection.execute("CREATE TABLE \(schema).copy_ceiling (LIKE \(schema).scored_transactions INCLUDING ALL)")

        var configuration = KafkaConsumerConfiguration(bootstrapServers: brokers, groupID: "loadtest-ceilings-\(ThroughputRun.runID())", topics: [topic])
        configuration.sessionTimeout = .seconds(6)
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        var processors: [Int32: PartitionProcessor] = [:]
        var pending: [ScoredTransaction] = []
        var encoder = ScoredRowEncoder(rowCapacity: copyRows)
        var processing = Duration.zero
        var encoding = Duration.zero
        var copying = Duration.zero
        var processed = 0
        var copied = 0
        let clock = ContinuousClock()

        func flush() async throws {
            guard !pending.isEmpty else { return }
            encoding += clock.measure { encoder.encode(pending) }
            let bytes = encoder.bytes
            let started = clock.now
            try await connection.withTransaction { connection in
                copied += try await connection.copyFrom(
                    "COPY \(schema).copy_ceiling (\(ScoredRowEncoder.columnList)) FROM STDIN (FORMAT binary)"
                ) { writer in try await writer.write(bytes) }
            }
            copying += clock.now - started
            pending.removeAll(keepingCapacity: true)
        }

        for try await event in consumer.events {
            guard case .records(let batch) = event else { continue }
            let partition = batch.topicPartition.partition
            let processor = try processors[partition] ?? PartitionProcessor(partition: partition, model: model, modelVersion: modelVersion)
            processors[partition] = processor
            let started = clock.now
            let result = await processor.process(batch)
            processing += clock.now - started
            processed += batch.records.count
            pending += result.scored
            if pending.count >= copyRows { try await flush() }
            if processed >= expected { break }
        }
        try await flush()
        await consumer.close()
        try await connection.execute("DROP TABLE \(schema).copy_ceiling")
        return Result(
            pipelinePerSecond: Double(processed) / max(processing.seconds, 1e-9),
            encodingPerSecond: Double(copied) / max(encoding.seconds, 1e-9),
            copyPerSecond: Double(copied) / max(copying.seconds, 1e-9))
    }
}
