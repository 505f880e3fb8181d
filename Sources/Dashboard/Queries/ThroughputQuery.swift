import Foundation

/// `GET /api/throughput`: transactions scored per second and flagged per 10 seconds, by the
/// time they were scored (`scored_at`, which a BRIN index serves), empty buckets as zeros.
struct ThroughputQuery: Sendable {
    /// The response.
    struct Result: Encodable, Sendable {
        /// One bucket of a series.
        struct Point: Encodable, Sendable, Equatable {
            /// The bucket's start.
            var time: Date
            /// Transactions in the bucket.
            var count: Int
        }

        /// The start of the range (inclusive).
        var from: Date
        /// The end of the range (exclusive).
        var to: Date
        /// Transactions scored, per second.
        var scoredPerSecond: [Point]
        /// Flagged transactions, per 10 seconds.
        var flaggedPer10Seconds: [Point]
    }

    /// The parameters accepted.
    static let parameterNames = DashboardTimeRange.parameterNames
    /// 5 minutes by default, up to 6 hours (21,600 points), in whole 10-second buckets.
    static let rules = DashboardTimeRange.Rules(bucketSeconds: 10, defaultMinutes: 5, maximumMinutes: 360)

    /// The schema to read.
    let schema: String

    /// Answers a request.
    /// - Parameters:
    ///   - parameters: The request's parameters.
    ///   - database: The database.
    ///   - now: The current time; by default the range ends at the last whole 10 seconds
    ///     before it, so no bucket is still filling.
    func run(_ parameters: DashboardQueryParameters, on database: DashboardDatabase, now: Date) async throws -> Result {
        let range = try await DashboardTimeRange.resolve(parameters, rules: Self.rules) {
            Date(timeIntervalSince1970: TimeInterval(DashboardTimeRange.floorToBucket(now.timeIntervalSince1970, Self.rules.bucketSeconds)))
        }
        let rows = try await database.query("""
            SELECT extract(epoch FROM second)::bigint, scored, flagged
            FROM \(schema).scored_seconds
            WHERE second >= $1 AND second < $2 AND scored > 0
            """, [.timestamp(range.fromDate), .timestamp(range.toDate)])
        var scored: [Int64: Int] = [:]
        var flagged: [Int64: Int] = [:]
        for row in rows {
            let second = try row[0, as: Int64.self]
            scored[second] = try row[1, as: Int.self]
            flagged[DashboardTimeRange.floorToBucket(TimeInterval(second), 10), default: 0] += try row[2, as: Int.self]
        }
        return Result(
            from: range.fromDate, to: range.toDate,
            scoredPerSecond: range.bucketStarts(every: 1).map { Result.Point(time: Self.date($0), count: scored[$0] ?? 0) },
            flaggedPer10Seconds: range.bucketStarts(every: 10).map { Result.Point(time: Self.date($0), count: flagged[$0] ?? 0) })
    }

    private static func date(_ seconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }
}
