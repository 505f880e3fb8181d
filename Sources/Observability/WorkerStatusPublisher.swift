import Foundation
import FraudPipeline
import Logging
import Postgres
import ServiceLifecycle

/// Keeps this worker's row of `worker_status` up to date, so that the dashboard and operators
/// see every worker of the database in one query, and deletes it when the worker stops cleanly.
///
/// It writes with a connection of its own every ``interval``. A database that is away costs
/// one warning (and one notice when it is back), never the worker: the publisher keeps trying
/// and its failures are not errors of the service group. A worker killed without a clean stop
/// leaves its row behind; `updated_at` tells how stale it is.
public struct WorkerStatusPublisher: Service {
    /// The row's key: `host:pid:start`, start in seconds since 1970.
    public let workerID: String
    /// How often the row is written.
    public let interval: Duration

    private let metrics: WorkerMetrics
    /// The latencies since the previous write: the row's percentiles are the current ones,
    /// not the whole run's (a slow start would otherwise show in p99 for hours).
    private let recentLatency: LatencyInterval
    private let database: PostgresConfiguration
    private let schema: String
    private let group: String
    private let host: String
    private let pid: Int32
    private let startedAt: Date
    private let logger: Logger

    /// Creates the publisher; nothing connects before ``run()``.
    /// - Parameters:
    ///   - metrics: The worker's counters.
    ///   - database: The worker's database. The publisher's connection gives up on a
    ///     reconnection after 2 s, so a stop is never held up long by an absent database.
    ///   - schema: The migrated schema holding `worker_status` (migration 3).
    ///   - group: The worker's consumer group.
    ///   - interval: How often to write the row.
    ///   - logger: Receives the outage warning and its end.
    /// - Throws: ``FraudPipeline/SchemaError`` when `schema` is not a plain lower-case identifier.
    public init(
        metrics: WorkerMetrics, database: PostgresConfiguration, schema: String, group: String,
        interval: Duration = .seconds(3), logger: Logger
    ) throws {
        self.metrics = metrics
        recentLatency = metrics.makeLatencyInterval()
        var database = database
        database.connectTimeout = min(database.connectTimeout, .seconds(2))
        database.reconnect.deadline = min(database.reconnect.deadline, .seconds(2))
        self.database = database
        self.schema = try SchemaMigrator(schema: schema).schema
        self.group = group
        self.interval = interval
        self.logger = logger
        host = ProcessInfo.processInfo.hostName
        pid = ProcessInfo.processInfo.processIdentifier
        startedAt = Date()
        workerID = "\(host):\(pid):\(Int(startedAt.timeIntervalSince1970))"
    }

    /// Writes the row every ``interval`` until the service group shuts down, then deletes it.
    /// The first write waits one interval, so that the worker has migrated a fresh schema by then.
    public func run() async {
        var connection: PostgresConnection?
        var failing = false
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let open: PostgresConnection
                if let connection {
                    open = connection
                } else {
                    // The connection's own lost/reconnected lines would repeat this publisher's
                    // one warning per outage: keep only its errors.
                    var quiet = logger
                    quiet.logLevel = max(logger.logLevel, .error)
                    open = try await PostgresConnection.connect(database, logger: quiet)
                    connection = open
                }
                try await publish(on: open)
                if failing { logger.notice("worker status published again", metadata: ["workerID": "\(workerID)"]) }
                failing = false
            } catch {
                if !failing {
                    logger.warning("could not publish the worker status row; retrying quietly", metadata: [
                        "workerID": "\(workerID)", "error": "\(error)",
                    ])
                }
                failing = true
                // A statement the server refused (an unmigrated schema, say) leaves the connection
                // fine; anything else opens a new one next time.
                if (error as? PostgresError)?.isRetryable ?? true {
                    await connection?.close()
                    connection = nil
                }
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
        guard let connection else { return }
        do {
            try await connection.execute("DELETE FROM \(schema).worker_status WHERE worker_id = $1", [.text(workerID)])
        } catch {
            logger.warning("could not delete the worker status row at stop", metadata: ["workerID": "\(workerID)", "error": "\(error)"])
        }
        await connection.close()
    }

    /// Upserts the row from the counters now.
    private func publish(on connection: PostgresConnection) async throws {
        let snapshot = metrics.snapshot()
        let recent = recentLatency.take()
        func milliseconds(atPercentile percentile: Double) -> Double {
            recent.totalCount == 0 ? 0 : Double(recent.valueAtPercentile(percentile)) / 1000
        }
        let lagJSON = "{" + snapshot.lagByPartition.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
        try await connection.execute(
            """
            INSERT INTO \(schema).worker_status (
                worker_id, consumer_group, host, pid, started_at, updated_at, model_version, assigned_partitions,
                consumed, scored, written, flagged, rejected, late, duplicates, latency_p50_ms, latency_p99_ms, partition_lag)
            VALUES ($1, $2, $3, $4, $5, now(), $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
            ON CONFLICT (worker_id) DO UPDATE SET
                updated_at = now(), model_version = EXCLUDED.model_version, assigned_partitions = EXCLUDED.assigned_partitions,
                consumed = EXCLUDED.consumed, scored = EXCLUDED.scored, written = EXCLUDED.written,
                flagged = EXCLUDED.flagged, rejected = EXCLUDED.rejected, late = EXCLUDED.late,
                duplicates = EXCLUDED.duplicates, latency_p50_ms = EXCLUDED.latency_p50_ms,
                latency_p99_ms = EXCLUDED.latency_p99_ms, partition_lag = EXCLUDED.partition_lag
            """,
            [
                .text(workerID), .text(group), .text(host), .int32(pid), .timestamp(startedAt), .text(snapshot.modelVersion),
                .int32(Int32(clamping: snapshot.assignedPartitions)), .int(snapshot.consumed), .int(snapshot.scored),
                .int(snapshot.written), .int(snapshot.flagged), .int(snapshot.rejected), .int(snapshot.late),
                .int(snapshot.duplicates), .double(milliseconds(atPercentile: 50)),
                .double(milliseconds(atPercentile: 99)), .jsonb(lagJSON),
            ])
    }
}

extension WorkerStatusPublisher: CustomStringConvertible {
    /// Names the worker and the schedule, nothing of the connection: service lifecycles log
    /// their services' descriptions.
    public var description: String {
        "WorkerStatusPublisher(worker: \(workerID), schema: \(schema), every: \(interval))"
    }
}
