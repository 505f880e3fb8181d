import Foundation

/// `GET /api/fraud-per-minute`: per minute of event time, the transactions scored, those the
/// model flagged (predicted fraud) and those whose latest label says fraud: the
/// `fraud_per_minute` view's figures over the requested range only, empty minutes as zeros,
/// read from the `scored_minutes` rollup (one row per minute and model version), not the rows.
struct FraudPerMinuteQuery: Sendable {
    /// The response.
    struct Result: Encodable, Sendable {
        /// One minute.
        struct Minute: Encodable, Sendable, Equatable {
            /// The minute's start.
            var minute: Date
            /// Transactions scored with an event time in the minute.
            var scored: Int
            /// Of those, flagged by the model.
            var predictedFraud: Int
            /// Of those, labelled fraud by their latest label.
            var labelledFraud: Int
        }

        /// The start of the range (inclusive).
        var from: Date
        /// The end of the range (exclusive).
        var to: Date
        /// Every minute of the range, oldest first.
        var minutes: [Minute]
    }

    /// The parameters accepted.
    static let parameterNames = DashboardTimeRange.parameterNames
    /// 60 minutes by default, up to 24 hours, in whole minutes.
    static let rules = DashboardTimeRange.Rules(bucketSeconds: 60, defaultMinutes: 60, maximumMinutes: 24 * 60)

    /// The schema to read.
    let schema: String

    /// Answers a request.
    /// - Parameters:
    ///   - parameters: The request's parameters.
    ///   - database: The database.
    ///   - now: The default end when nothing has been scored yet.
    func run(_ parameters: DashboardQueryParameters, on database: DashboardDatabase, now: Date) async throws -> Result {
        let range = try await DashboardTimeRange.resolve(parameters, rules: Self.rules) {
            try await LatestEventTime(schema: schema).end(on: database, now: now)
        }
        let rows = try await database.query("""
            SELECT extract(epoch FROM minute)::bigint, sum(scored)::bigint, sum(flagged)::bigint, sum(labelled_fraud)::bigint
            FROM \(schema).scored_minutes
            WHERE minute >= $1 AND minute < $2
            GROUP BY minute
            """, [.timestamp(range.fromDate), .timestamp(range.toDate)])
        var counts: [Int64: (Int, Int, Int)] = [:]
        for row in rows {
            counts[try row[0, as: Int64.self]] = (try row[1, as: Int.self], try row[2, as: Int.self], try row[3, as: Int.self])
        }
        let minutes = range.bucketStarts(every: 60).map { start in
            let (scored, predicted, labelled) = counts[start] ?? (0, 0, 0)
            return Result.Minute(minute: Date(timeIntervalSince1970: TimeInterval(start)), scored: scored, predictedFraud: predicted, labelledFraud: labelled)
        }
        return Result(from: range.fromDate, to: range.toDate, minutes: minutes)
    }
}
