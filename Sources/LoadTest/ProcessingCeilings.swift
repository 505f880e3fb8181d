import FraudModel
import FraudPipeline
import Kafka
import Logging
import Postgres

/// The pipeline without I/O (decode, features and model on batches already in memory), row
/// encoding, and a plain binary COPY of the same rows into two copies of the scored table with
/// the same indexes, one also with the rollup triggers (the production layout): each timed on
/// its own while the records are read once more.
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
        /// Into the production layout: indexes and the rollup triggers.
        var copyPerSecond: Double
        /// Into a copy with the indexes only.
        var copyWithoutRollupsPerSecond: Double
    }

    /// Rows per COPY, as the worker's default batch.
    private let copyRows = 5_000

    func run() async throws -> Result {
        let connection = try await environment.connect()
        defer { Task { await connection.close() } }
        try await connection.execute("DROP TABLE IF EXISTS \(schema).copy_ceiling")
        try await connection.execute("CREATE TABLE \(schema).copy_ceiling (LIKE \(schema).scored_transactions INCLUDING ALL)")
        try await connection.execute("DROP TABLE IF EXISTS \(schema).copy_ceiling_rollups")
        try await connection.execute("CREATE TABLE \(schema).copy_ceiling_rollups (LIKE \(schema).scored_transactions INCLUDING ALL)")
        // The worker's triggers, counting into the worker's rollups (done with by now: the worker
        // has stopped, and this schema is the load test's own).
        try await connection.execute("""
            CREATE TRIGGER copy_ceiling_rollups AFTER INSERT ON \(schema).copy_ceiling_rollups
            REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION \(schema).scored_rollups_after_rows()
            """)

        var configuration = KafkaConsumerConfiguration(bootstrapServers: brokers, groupID: "loadtest-ceilings-\(ThroughputRun.runID())", topics: [topic])
        configuration.sessionTimeout = .seconds(6)
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        var processors: [Int32: PartitionProcessor] = [:]
        var pending: [ScoredTransaction] = []
        var encoder = ScoredRowEncoder(rowCapacity: copyRows)
        var processing = Duration.zero
        var encoding = Duration.zero
        var copying = Duration.zero
        var copyingWithoutRollups = Duration.zero
        var processed = 0
        var copied = 0
        let clock = ContinuousClock()

        func flush() async throws {
            guard !pending.isEmpty else { return }
            encoding += clock.measure { encoder.encode(pending) }
            let bytes = encoder.bytes
            func copy(into table: String) async throws -> Duration {
                let started = clock.now
                try await connection.withTransaction { connection in
                    _ = try await connection.copyFrom(
                        "COPY \(schema).\(table) (\(ScoredRowEncoder.columnList)) FROM STDIN (FORMAT binary)"
                    ) { writer in try await writer.write(bytes) }
                }
                return clock.now - started
            }
            copyingWithoutRollups += try await copy(into: "copy_ceiling")
            copying += try await copy(into: "copy_ceiling_rollups")
            copied += pending.count
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
        try await connection.execute("DROP TABLE \(schema).copy_ceiling_rollups")
        return Result(
            pipelinePerSecond: Double(processed) / max(processing.seconds, 1e-9),
            encodingPerSecond: Double(copied) / max(encoding.seconds, 1e-9),
            copyPerSecond: Double(copied) / max(copying.seconds, 1e-9),
            copyWithoutRollupsPerSecond: Double(copied) / max(copyingWithoutRollups.seconds, 1e-9))
    }
}
