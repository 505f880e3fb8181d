import Foundation
import Postgres

/// `GET /api/flagged`: the latest flagged transactions, newest event time first, optionally of
/// one account (as payer or payee).
struct LatestFlaggedQuery: Sendable {
    /// The response.
    struct Result: Encodable, Sendable {
        /// One flagged transaction.
        struct Transaction: Encodable, Sendable, Equatable {
            /// The transaction's id.
            var transactionId: String
            /// When it happened (its event time).
            var time: Date
            /// When the worker scored it.
            var scoredAt: Date
            /// The paying account (`account_from`).
            var account: String
            /// The receiving account (`account_to`).
            var counterparty: String
            /// The amount moved.
            var amount: Double
            /// The transaction type (`TRANSFER`, `CASH_OUT`...).
            var type: String
            /// The model's score.
            var score: Double
            /// The version of the model that scored it.
            var modelVersion: String
        }

        /// The account asked for, or nil for all accounts.
        var account: String?
        /// The limit applied.
        var limit: Int
        /// The transactions, newest event time first (ties by descending id).
        var transactions: [Transaction]

        private enum CodingKeys: String, CodingKey { case account, limit, transactions }

        /// Encodes every field; no account filter as `"account": null`.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(account as String?, forKey: .account)
            try container.encode(limit, forKey: .limit)
            try container.encode(transactions, forKey: .transactions)
        }
    }

    /// The parameters accepted.
    static let parameterNames = ["limit", "account"]
    /// The most rows one response holds.
    static let maximumLimit = 500
    /// The rows when the request gives no limit.
    static let defaultLimit = 50
    /// The longest account id accepted.
    static let maximumAccountLength = 64

    /// The schema to read.
    let schema: String

    /// Answers a request.
    /// - Parameters:
    ///   - parameters: The request's parameters.
    ///   - database: The database.
    func run(_ parameters: DashboardQueryParameters, on database: DashboardDatabase) async throws -> Result {
        let limit = try parameters.integer("limit", in: 1...Self.maximumLimit, default: Self.defaultLimit) ?? Self.defaultLimit
        let account = try parameters.identifier("account", what: "an account id such as C123456789", maximumLength: Self.maximumAccountLength)
        var values: [PostgresValue?] = []
        var filter = ""
        if let account {
            values.append(.text(account))
            filter = "AND (account_from = $1 OR account_to = $1)"
        }
        values.append(.int(limit))
        // The partial index on event_time WHERE flagged serves the order and the limit.
        let rows = try await database.query("""
            SELECT transaction_id, event_time, scored_at, account_from, account_to, amount, type, score, model_version
            FROM \(schema).scored_transactions
            WHERE flagged \(filter)
            ORDER BY event_time DESC, transaction_id DESC
            LIMIT $\(values.count)
            """, values)
        let transactions = try rows.map { row in
            Result.Transaction(
                transactionId: try row[0, as: String.self], time: try row[1, as: Date.self], scoredAt: try row[2, as: Date.self],
                account: try row[3, as: String.self], counterparty: try row[4, as: String.self], amount: try row[5, as: Double.self],
                type: try row[6, as: String.self], score: try row[7, as: Double.self], modelVersion: try row[8, as: String.self])
        }
        return Result(account: account, limit: limit, transactions: transactions)
    }
}
