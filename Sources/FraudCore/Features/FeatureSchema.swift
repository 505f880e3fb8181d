/// The names, order and version of the features in a ``FeatureVector``.
///
/// Training, scoring and the PostgreSQL sink all read vectors through this schema, so a
/// stored row can be checked against the code that reads it: a change to the meaning or
/// order of any feature bumps ``version``. ``current`` is the schema the ``FeatureEngine``
/// of this build writes; docs/features.md explains every feature.
public struct FeatureSchema: Hashable, Sendable {
    /// One feature of the current schema, in vector order (the raw value is the position).
    public enum Feature: Int, CaseIterable, Sendable {
        /// The transaction's amount.
        case amount
        /// 1 when the type is `PAYMENT`, else 0.
        case typePayment
        /// 1 when the type is `TRANSFER`, else 0.
        case typeTransfer
        /// 1 when the type is `CASH_OUT`, else 0.
        case typeCashOut
        /// 1 when the type is `CASH_IN`, else 0.
        case typeCashIn
        /// 1 when the type is `DEBIT`, else 0.
        case typeDebit
        /// 1 when the account has an earlier-processed transaction in its retained state, else 0.
        case hasPrevious
        /// The amount of the account's previous transaction in processing order (0 without one).
        case previousAmount
        /// Event-time seconds from the previous transaction to this one (0 without one; negative when out of order).
        case secondsSincePrevious
        /// Transactions in this transaction's 1-minute window, this one included.
        case minuteCount
        /// The sum of the amounts in this transaction's 1-minute window.
        case minuteAmountSum
        /// Transactions in this transaction's 5-minute window, this one included.
        case fiveMinuteCount
        /// Distinct receiving accounts in this transaction's 5-minute window (capped at `maxDistinctTargets`).
        case fiveMinuteDistinctTargets
        /// The money sent out in this transaction's 5-minute window (every type but `CASH_IN`) over the largest `old_balance_from` in it.
        case fiveMinuteShareMoved
        /// Transactions in this transaction's day (UTC), this one included.
        case dayCount
        /// The largest amount in this transaction's day.
        case dayMaxAmount
        /// How many closed (earlier, active) days the historical means cover.
        case closedDays
        /// The mean number of transactions per closed day (0 without closed days).
        case meanDailyCount
        /// The mean of the daily largest amount over closed days (0 without closed days).
        case meanDailyMaxAmount
        /// `day_count / mean_daily_count`: today's activity against the account's usual day (0 without closed days).
        case dayCountToUsual
        /// `day_max_amount / mean_daily_max_amount`: today's largest payment against the usual one (0 without closed days).
        case dayMaxToUsual
        /// Earlier transactions of the account in its retained state (capped at 65,535): how much the relative features below rest on.
        case historyCount
        /// The amount over the account's usual amount (a running mean over its last ~16 transactions; 0 without history).
        case amountToUsual
        /// `(amount - usual amount) / max(usual deviation, usual amount / 10, 0.01)` (0 with fewer than 2 earlier transactions).
        case amountDeviation
        /// The seconds since the previous transaction over the account's usual gap (at least 1 s; 0 with fewer than 2 earlier transactions).
        case gapToUsual
        /// How far this time of day lies from the account's usual time of day, 0...4 (0 without history).
        case hourUnusualness
        /// `amount / old_balance_from`; when the old balance is not positive, 1 if the amount is positive, else 0.
        case balanceShareMoved
        /// 1 when a positive balance was emptied: `new_balance_from == 0` or `amount >= old_balance_from`.
        case balanceEmptied
        /// `old_balance_from ∓ amount - new_balance_from` in cents-rounded currency units (0 when the sender's balances agree with the amount).
        case senderBalanceError
        /// The receiving account's balance before the transaction, `old_balance_to`.
        case receiverOldBalance
        /// 1 when the receiver's balances are reported (`old_balance_to` or `new_balance_to` non-zero), else 0 (merchants report 0 and 0).
        case receiverBalanceKnown
        /// `old_balance_to + amount - new_balance_to`, cents-rounded, when the receiver's balances are reported, else 0.
        case receiverBalanceError
        /// 1 when money arrives in an empty account: `old_balance_to == 0` and `new_balance_to > 0`.
        case receiverWasEmpty
        /// 1 when the account has not sent to this `account_to` within its remembered counterparties.
        case firstCounterparty
        /// 1 when the transaction is late: beyond the allowed lateness, or its window version is no longer kept.
        case late

        /// The column name, in snake_case (CSV headers, database columns, model inputs).
        public var name: String {
            switch self {
            case .amount: "amount"
            case .typePayment: "type_payment"
            case .typeTransfer: "type_transfer"
            case .typeCashOut: "type_cash_out"
            case .typeCashIn: "type_cash_in"
            case .typeDebit: "type_debit"
            case .hasPrevious: "has_previous"
            case .previousAmount: "previous_amount"
            case .secondsSincePrevious: "seconds_since_previous"
            case .minuteCount: "minute_count"
            case .minuteAmountSum: "minute_amount_sum"
            case .fiveMinuteCount: "five_minute_count"
            case .fiveMinuteDistinctTargets: "five_minute_distinct_targets"
            case .fiveMinuteShareMoved: "five_minute_share_moved"
            case .dayCount: "day_count"
            case .dayMaxAmount: "day_max_amount"
            case .closedDays: "closed_days"
            case .meanDailyCount: "mean_daily_count"
            case .meanDailyMaxAmount: "mean_daily_max_amount"
            case .dayCountToUsual: "day_count_to_usual"
            case .dayMaxToUsual: "day_max_to_usual"
            case .historyCount: "history_count"
            case .amountToUsual: "amount_to_usual"
            case .amountDeviation: "amount_deviation"
            case .gapToUsual: "gap_to_usual"
            case .hourUnusualness: "hour_unusualness"
            case .balanceShareMoved: "balance_share_moved"
            case .balanceEmptied: "balance_emptied"
            case .senderBalanceError: "sender_balance_error"
            case .receiverOldBalance: "receiver_old_balance"
            case .receiverBalanceKnown: "receiver_balance_known"
            case .receiverBalanceError: "receiver_balance_error"
            case .receiverWasEmpty: "receiver_was_empty"
            case .firstCounterparty: "first_counterparty"
            case .late: "late"
            }
        }
    }

    /// The schema written by this build: `fraudstream-features` version 2.
    ///
    /// Version 2 (35 features) replaced the 1-minute minimum, maximum and mean with the sum,
    /// and added the 5-minute count and share of the balance moved, features relative to the
    /// account's own history (usual amount, gap, day and time of day) and the receiving side
    /// of the message; version 1 had 23 features.
    public static let current = FeatureSchema(
        name: "fraudstream-features",
        version: 2,
        featureNames: Feature.allCases.map(\.name)
    )

    /// The number of features in a vector of the current schema.
    public static let width = Feature.allCases.count

    /// The schema's name, stored with feature rows and models.
    public let name: String
    /// The schema's version; it changes whenever a feature is added, removed, reordered or redefined.
    public let version: Int
    /// The feature names in vector order.
    public let featureNames: [String]

    /// The number of features.
    public var width: Int {
        featureNames.count
    }

    /// The position of the feature called `name`, or `nil` if the schema has no such feature.
    ///
    /// - Parameter name: A feature name such as `minute_count`.
    public func index(of name: String) -> Int? {
        featureNames.firstIndex(of: name)
    }
}
