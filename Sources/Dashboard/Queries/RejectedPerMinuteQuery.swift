import Foundation

/// `GET /api/rejected`: messages the workers rejected (malformed, invalid) per minute of the
/// time they were rejected, from `rejected_transactions`, with the reasons over the range.
struct RejectedPerMinuteQuery: Sendable {
    /// The response.
    struct Result: Encodable, Sendable {
        /// One minute.
        struct Minute: Encodable, Sendable, Equatable {
            /// The minute's start.
            var minute: Date
            /// Messages rejected in it.
            var count: Int
        }

        /// How many messages one reason rejected.
        struct Reason: Encodable, Sendable, Equatable {
            /// The reason code (`invalidJSON`, `missingField`...), as stored.
            var reasonCode: String
            /// Messages rejected for it in the range.
            var count: Int
        }

        /// The start of the range (inclusive).
        var from: Date
        /// The end of the range (exclusive).
        var to: Date
        /// Every minute of the range, oldest first.
        var minutes: [Minute]
        /// Reasons in the range, most frequent first.
        var reasons: [Reason]
    }

    /// The parameters accepted.
    static let parameterNames = DashboardTimeRange.parameterNames
    /// 30 minutes by default, up to 24 hours, in whole minutes.
    static let rules = DashboardTimeRange.Rules(bucketSeconds: 60, defaultMinutes: 30, maximumMinutes: 24 * 60)

    /// The schema to read.
    let schema: String

    /// Answers a request.
    /// - Parameters:
    ///   - parameters: The request's parameters.
    ///   - database: The database.
    ///   - now: The current time; by default the range ends at the end of the current minute,
    ///     so the latest rejections show at once.
    func run(_ parameters: DashboardQueryParameters, on database: DashboardDatabase, now: Date) async throws -> Result {
        let range = try await DashboardTimeRange.resolve(parameters, rules: Self.rules) { now }
        // Rejections are rare, so the table stays small and needs no index on rejected_at.
        let rows = try await database.query("""
            SELECT extract(epoch FROM date_bin('1 minute', rejected_at, TIMESTAMPTZ '1970-01-01 00:00:00+00'))::bigint,
                   reason_code, count(*)
            FROM \(schema).rejected_transactions
            WHERE rejected_at >= $1 AND rejected_at < $2
            GROUP BY 1, 2
            """, [.timestamp(range.fromDate), .timestamp(range.toDate)])
        var perMinute: [Int64: Int] = [:]
        var perReason: [String: Int] = [:]
        for row in rows {
            let count = try row[2, as: Int.self]
            perMinute[try row[0, as: Int64.self], default: 0] += count
            perReason[try row[1, as: String.self], default: 0] += count
        }
        return Result(
            from: range.fromDate, to: range.toDate,
            minutes: range.bucketStarts(every: 60).map { Result.Minute(minute: Date(timeIntervalSince1970: TimeInterval($0)), count: perMinute[$0] ?? 0) },
            reasons: perReason.map { Result.Reason(reasonCode: $0.key, count: $0.value) }
                .sorted { ($0.count, $1.reasonCode) > ($1.count, $0.reasonCode) })
    }
}
