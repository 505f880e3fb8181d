import FraudCore
import Postgres

/// The latest flagged transactions, newest event time first: what `fraudstream flagged` shows
/// an analyst.
///
/// Reads the `flagged_transactions` view. Every filter is optional and travels as a statement
/// parameter; only the schema name, checked as ``SchemaMigrator`` checks it, is part of the SQL
/// text. Rows with the same event time come in descending transaction id order, so the output
/// is stable from one run to the next.
public struct FlaggedTransactionQuery: Sendable, Hashable {
    /// The largest ``limit`` accepted: enough for an analyst, small enough for a terminal.
    public static let maximumLimit = 10_000

    /// One flagged transaction, with the fields an analyst looks at first.
    public struct Row: Sendable, Hashable {
        /// The transaction's id.
        public var transactionID: String
        /// When the transaction happened.
        public var eventTime: EventTime
        /// The transaction type, as stored (`TRANSFER`, `CASH_OUT`...).
        public var type: String
        /// The amount moved.
        public var amount: Double
        /// The paying account.
        public var accountFrom: String
        /// The receiving account.
        public var accountTo: String
        /// The model's score.
        public var score: Double
        /// The version of the model that scored the transaction.
        public var modelVersion: String

        /// Creates a row from its fields.
        /// - Parameters:
        ///   - transactionID: The transaction's id.
        ///   - eventTime: When it happened.
        ///   - type: Its type.
        ///   - amount: The amount moved.
        ///   - accountFrom: The paying account.
        ///   - accountTo: The receiving account.
        ///   - score: The model's score.
        ///   - modelVersion: The model's version.
        public init(
            transactionID: String, eventTime: EventTime, type: String, amount: Double,
            accountFrom: String, accountTo: String, score: Double, modelVersion: String
        ) {
            self.transactionID = transactionID
            self.eventTime = eventTime
            self.type = type
            self.amount = amount
            self.accountFrom = accountFrom
            self.accountTo = accountTo
            self.score = score
            self.modelVersion = modelVersion
        }
    }

    /// The migrated schema to read, such as `fraudstream`.
    public let schema: String
    /// Only transactions whose event time lies within this span before the database's `now()`;
    /// `nil` for no time limit.
    public var since: Duration?
    /// Only transactions this account paid or received (`account_from` or `account_to`).
    public var account: String?
    /// Only transactions scored at least this much.
    public var minimumScore: Double?
    /// At most this many rows, from 1 to ``maximumLimit``.
    public var limit: Int

    /// Creates a query.
    /// - Parameters:
    ///   - schema: The migrated schema to read.
    ///   - since: The event-time span to look back over, or `nil` for all time.
    ///   - account: An account to match on either side, or `nil` for all accounts.
    ///   - minimumScore: The lowest score to show, or `nil` for every flagged row.
    ///   - limit: The most rows to return.
    /// - Throws: ``SchemaError`` when `schema` is not a plain lower-case identifier.
    /// - Precondition: `limit` is in 1...``maximumLimit``; callers check what a person typed.
    public init(schema: String = "fraudstream", since: Duration? = nil, account: String? = nil, minimumScore: Double? = nil, limit: Int = 50) throws {
        self.schema = try SchemaMigrator(schema: schema).schema
        precondition((1...Self.maximumLimit).contains(limit), "limit must be between 1 and \(Self.maximumLimit), got \(limit)")
        self.since = since
        self.account = account
        self.minimumScore = minimumScore
        self.limit = limit
    }

    /// The statement and its parameters; only the filters in use appear.
    public var statement: (sql: String, parameters: [PostgresValue?]) {
        var conditions: [String] = []
        var parameters: [PostgresValue?] = []
        if let since {
            let (seconds, attoseconds) = since.components
            parameters.append(.double(Double(seconds) + Double(attoseconds) / 1e18))
            conditions.append("event_time >= now() - make_interval(secs => $\(parameters.count))")
        }
        if let account {
            parameters.append(.text(account))
            conditions.append("(account_from = $\(parameters.count) OR account_to = $\(parameters.count))")
        }
        if let minimumScore {
            parameters.append(.double(minimumScore))
            conditions.append("score >= $\(parameters.count)")
        }
        parameters.append(.int(limit))
        let filter = conditions.isEmpty ? "" : "\nWHERE " + conditions.joined(separator: "\n  AND ")
        let sql = """
            SELECT transaction_id, floor(extract(epoch FROM event_time) * 1000)::bigint AS event_time_ms,
                   type, amount, account_from, account_to, score, model_version
            FROM \(schema).flagged_transactions\(filter)
            ORDER BY event_time DESC, transaction_id DESC
            LIMIT $\(parameters.count)
            """
        return (sql, parameters)
    }

    /// Runs the query.
    /// - Parameter connection: A connection to the database holding ``schema``.
    /// - Returns: The matching rows, newest event time first.
    /// - Throws: ``PostgresError`` from the server (such as an unmigrated schema), or when an
    ///   event time lies outside the years 0000 to 9999.
    public func run(on connection: PostgresConnection) async throws -> [Row] {
        let (sql, parameters) = statement
        return try await connection.query(sql, parameters).map { row in
            let milliseconds = try row[1, as: Int64.self]
            guard (EventTime.minimum.millisecondsSinceEpoch...EventTime.maximum.millisecondsSinceEpoch).contains(milliseconds) else {
                throw PostgresError(.typeMismatch, message: "an event_time is outside years 0000 to 9999")
            }
            return Row(
                transactionID: try row[0, as: String.self],
                eventTime: EventTime(millisecondsSinceEpoch: milliseconds),
                type: try row[2, as: String.self],
                amount: try row[3, as: Double.self],
                accountFrom: try row[4, as: String.self],
                accountTo: try row[5, as: String.self],
                score: try row[6, as: Double.self],
                modelVersion: try row[7, as: String.self]
            )
        }
    }
}
