import Foundation

/// `GET /api/workers`: the status row each running worker refreshes every few seconds in
/// `worker_status`: its counters, end-to-end latency, and consumer lag per partition, with how
/// long ago the row was refreshed.
struct WorkerHealthQuery: Sendable {
    /// The response.
    struct Result: Encodable, Sendable {
        /// One worker.
        struct Worker: Encodable, Sendable, Equatable {
            /// The consumer lag of one assigned partition.
            struct PartitionLag: Encodable, Sendable, Equatable {
                /// The partition.
                var partition: Int
                /// Records behind the partition's end.
                var lag: Int64
            }

            /// The worker's id.
            var workerId: String
            /// Its consumer group.
            var consumerGroup: String
            /// The host it runs on.
            var host: String
            /// Its process id.
            var pid: Int
            /// When it started.
            var startedAt: Date
            /// When it last refreshed its row.
            var updatedAt: Date
            /// Seconds since then, by the database's clock.
            var stalenessSeconds: Double
            /// Whether the row is older than ``WorkerHealthQuery/staleAfterSeconds``: the worker
            /// stopped, hangs or cannot reach the database.
            var stale: Bool
            /// The model version it scores with.
            var modelVersion: String
            /// Partitions assigned to it.
            var assignedPartitions: Int
            /// Records consumed since it started.
            var consumed: Int64
            /// Transactions scored since it started.
            var scored: Int64
            /// Rows written since it started.
            var written: Int64
            /// Transactions flagged since it started.
            var flagged: Int64
            /// Messages rejected since it started.
            var rejected: Int64
            /// Late transactions since it started.
            var late: Int64
            /// Duplicate transaction ids since it started.
            var duplicates: Int64
            /// End-to-end latency (record timestamp to database commit), median, in ms.
            var latencyP50Ms: Double
            /// End-to-end latency, 99th percentile, in ms.
            var latencyP99Ms: Double
            /// The sum of ``partitionLag``.
            var totalLag: Int64
            /// Consumer lag per assigned partition, by partition.
            var partitionLag: [PartitionLag]
        }

        /// The database's current time, against which staleness is measured.
        var now: Date
        /// Rows older than this many seconds are marked stale.
        var staleAfterSeconds: Double
        /// Every worker with a row, by consumer group then id.
        var workers: [Worker]
    }

    /// The parameters accepted: none.
    static let parameterNames: [String] = []
    /// A status row not refreshed for this long marks its worker stale. Workers refresh every
    /// few seconds, so this allows a few missed refreshes.
    static let staleAfterSeconds = 15.0

    /// The schema to read.
    let schema: String

    /// Answers a request.
    /// - Parameter database: The database.
    func run(on database: DashboardDatabase) async throws -> Result {
        let rows = try await database.query("""
            SELECT worker_id, consumer_group, host, pid, started_at, updated_at, model_version, assigned_partitions,
                   consumed, scored, written, flagged, rejected, late, duplicates, latency_p50_ms, latency_p99_ms,
                   partition_lag::text, extract(epoch FROM now() - updated_at)::double precision, now()
            FROM \(schema).worker_status
            ORDER BY consumer_group, worker_id
            """)
        var now = Date()
        let workers = try rows.map { row in
            now = try row[19, as: Date.self]
            let staleness = try row[18, as: Double.self]
            let lag = Self.partitionLag(try row[17, as: String.self])
            return Result.Worker(
                workerId: try row[0, as: String.self], consumerGroup: try row[1, as: String.self], host: try row[2, as: String.self],
                pid: try row[3, as: Int.self], startedAt: try row[4, as: Date.self], updatedAt: try row[5, as: Date.self],
                stalenessSeconds: staleness, stale: staleness > Self.staleAfterSeconds,
                modelVersion: try row[6, as: String.self], assignedPartitions: try row[7, as: Int.self],
                consumed: try row[8, as: Int64.self], scored: try row[9, as: Int64.self], written: try row[10, as: Int64.self],
                flagged: try row[11, as: Int64.self], rejected: try row[12, as: Int64.self], late: try row[13, as: Int64.self],
                duplicates: try row[14, as: Int64.self], latencyP50Ms: try row[15, as: Double.self], latencyP99Ms: try row[16, as: Double.self],
                totalLag: lag.reduce(0) { $0 + $1.lag }, partitionLag: lag)
        }
        return Result(now: now, staleAfterSeconds: Self.staleAfterSeconds, workers: workers)
    }

    /// Reads `partition_lag`: an object from partition number to lag (`{"0": 12, "3": 0}`), or
    /// an array of `{"partition": 0, "lag": 12}`. Anything else reads as no partitions.
    static func partitionLag(_ json: String) -> [Result.Worker.PartitionLag] {
        struct Entry: Decodable {
            var partition: Int
            var lag: Int64
        }
        let decoder = JSONDecoder()
        let data = Data(json.utf8)
        var lags: [Result.Worker.PartitionLag] = []
        if let object = try? decoder.decode([String: Int64].self, from: data) {
            for (key, lag) in object {
                if let partition = Int(key) { lags.append(.init(partition: partition, lag: lag)) }
            }
        } else if let entries = try? decoder.decode([Entry].self, from: data) {
            lags = entries.map { .init(partition: $0.partition, lag: $0.lag) }
        }
        return lags.sorted { $0.partition < $1.partition }
    }
}
