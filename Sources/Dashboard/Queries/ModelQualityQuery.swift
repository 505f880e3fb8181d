import Foundation

/// `GET /api/model-quality`: the model's precision and recall per 15-minute window of event
/// time, against the latest label of each transaction: the `model_quality_15m` view's figures,
/// computed only over the requested range (the view itself would aggregate the whole table).
///
/// A transaction without a label counts as legitimate, as in the view, `evaluate` and
/// training; a window without transactions has zero counts and null ratios. `scenarios` sums
/// the `fraud_scenarios` view over the scenarios that started in the range.
struct ModelQualityQuery: Sendable {
    /// The response.
    struct Result: Encodable, Sendable {
        /// One 15-minute window.
        struct Window: Encodable, Sendable, Equatable {
            /// The window's start (aligned to the epoch).
            var windowStart: Date
            /// Scored transactions in the window.
            var transactions: Int
            /// Labelled transactions in the window.
            var labelled: Int
            /// Flagged and labelled fraud.
            var truePositives: Int
            /// Flagged but labelled legitimate or unlabelled.
            var falsePositives: Int
            /// Not flagged but labelled fraud.
            var falseNegatives: Int
            /// Neither flagged nor labelled fraud.
            var trueNegatives: Int
            /// TP / (TP + FP), null when nothing labelled was flagged.
            var precision: Double?
            /// TP / (TP + FN), null when no labelled fraud.
            var recall: Double?
            /// (TP + TN) / transactions, null without transactions.
            var accuracy: Double?

            private enum CodingKeys: String, CodingKey {
                case windowStart, transactions, labelled, truePositives, falsePositives, falseNegatives, trueNegatives, precision, recall, accuracy
            }

            /// Encodes every field; undefined ratios as `null` rather than leaving them out.
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(windowStart, forKey: .windowStart)
                try container.encode(transactions, forKey: .transactions)
                try container.encode(labelled, forKey: .labelled)
                try container.encode(truePositives, forKey: .truePositives)
                try container.encode(falsePositives, forKey: .falsePositives)
                try container.encode(falseNegatives, forKey: .falseNegatives)
                try container.encode(trueNegatives, forKey: .trueNegatives)
                try container.encode(precision as Double?, forKey: .precision)
                try container.encode(recall as Double?, forKey: .recall)
                try container.encode(accuracy as Double?, forKey: .accuracy)
            }
        }

        /// The start of the range (inclusive).
        var from: Date
        /// The end of the range (exclusive).
        var to: Date
        /// The window length, always 15.
        var windowMinutes: Int
        /// Every window of the range, oldest first.
        var windows: [Window]
        /// The fraud scenarios that started in the range (the `fraud_scenarios` view).
        var scenarios: Scenarios
    }

    /// Scenario detection and value detection rate over the range, as `fraudstream evaluate` counts them.
    struct Scenarios: Encodable, Sendable, Equatable {
        var scenarios: Int
        var detected: Int
        var detectedEarly: Int
        var multiTransaction: Int
        var amount: Double
        var amountCaught: Double
        var detectionRate: Double?
        var valueDetectionRate: Double?

        private enum CodingKeys: String, CodingKey {
            case scenarios, detected, detectedEarly, multiTransaction, amount, amountCaught, detectionRate, valueDetectionRate
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(scenarios, forKey: .scenarios)
            try container.encode(detected, forKey: .detected)
            try container.encode(detectedEarly, forKey: .detectedEarly)
            try container.encode(multiTransaction, forKey: .multiTransaction)
            try container.encode(amount, forKey: .amount)
            try container.encode(amountCaught, forKey: .amountCaught)
            try container.encode(detectionRate as Double?, forKey: .detectionRate)
            try container.encode(valueDetectionRate as Double?, forKey: .valueDetectionRate)
        }
    }

    /// The parameters accepted.
    static let parameterNames = DashboardTimeRange.parameterNames
    /// 3 hours (12 windows) by default, up to 7 days (672 windows), in whole windows.
    static let rules = DashboardTimeRange.Rules(bucketSeconds: 900, defaultMinutes: 180, maximumMinutes: 7 * 24 * 60)

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
            SELECT extract(epoch FROM window_start)::bigint, transactions, labelled, tp, flagged - tp,
                   labelled_fraud - tp, transactions - flagged - (labelled_fraud - tp)
            FROM (
                SELECT date_bin('15 minutes', minute, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS window_start,
                       sum(scored)::bigint AS transactions, sum(labelled)::bigint AS labelled, sum(flagged)::bigint AS flagged,
                       sum(labelled_fraud)::bigint AS labelled_fraud, sum(flagged_fraud)::bigint AS tp
                FROM \(schema).scored_minutes
                WHERE minute >= $1 AND minute < $2
                GROUP BY 1
            ) windows
            WHERE transactions > 0
            """, [.timestamp(range.fromDate), .timestamp(range.toDate)])
        var counts: [Int64: [Int]] = [:]
        for row in rows {
            counts[try row[0, as: Int64.self]] = try (1...6).map { try row[$0, as: Int.self] }
        }
        let windows = range.bucketStarts(every: Self.rules.bucketSeconds).map { start in
            let window = counts[start] ?? [0, 0, 0, 0, 0, 0]
            let (transactions, labelled, tp, fp, fn, tn) = (window[0], window[1], window[2], window[3], window[4], window[5])
            return Result.Window(
                windowStart: Date(timeIntervalSince1970: TimeInterval(start)), transactions: transactions, labelled: labelled,
                truePositives: tp, falsePositives: fp, falseNegatives: fn, trueNegatives: tn,
                precision: Self.ratio(tp, tp + fp), recall: Self.ratio(tp, tp + fn), accuracy: Self.ratio(tp + tn, transactions))
        }
        let totals = try await database.query("""
            SELECT count(*), count(*) FILTER (WHERE detected), count(*) FILTER (WHERE detected_early),
                   count(*) FILTER (WHERE transactions > 1), coalesce(sum(amount), 0), coalesce(sum(amount_caught), 0)
            FROM \(schema).fraud_scenarios
            WHERE started >= $1 AND started < $2
            """, [.timestamp(range.fromDate), .timestamp(range.toDate)])
        let amount = try totals[0][4, as: Double.self], amountCaught = try totals[0][5, as: Double.self]
        let scenarioCount = try totals[0][0, as: Int.self], detected = try totals[0][1, as: Int.self]
        let scenarios = Scenarios(
            scenarios: scenarioCount, detected: detected, detectedEarly: try totals[0][2, as: Int.self],
            multiTransaction: try totals[0][3, as: Int.self], amount: amount, amountCaught: amountCaught,
            detectionRate: Self.ratio(detected, scenarioCount), valueDetectionRate: amount > 0 ? amountCaught / amount : nil)
        return Result(from: range.fromDate, to: range.toDate, windowMinutes: 15, windows: windows, scenarios: scenarios)
    }

    private static func ratio(_ numerator: Int, _ denominator: Int) -> Double? {
        denominator == 0 ? nil : Double(numerator) / Double(denominator)
    }
}
