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
        /// The smallest amount in this transaction's 1-minute window.
        case minuteMinAmount
        /// The largest amount in this transaction's 1-minute window.
        case minuteMaxAmount
        /// The mean amount in this transaction's 1-minute window.
        case minuteMeanAmount
        /// Distinct receiving accounts in this transaction's 5-minute window (capped at `maxDistinctTargets`).
        case fiveMinuteDistinctTargets
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
        /// `amount / old_balance_from`; when the old balance is not positive, 1 if the amount is positive, else 0.
        case balanceShareMoved
        /// 1 when a positive balance was emptied: `new_balance_from == 0` or `amount >= old_balance_from`.
        case balanceEmptied
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
            case .minuteMinAmount: "minute_min_amount"
            case .minuteMaxAmount: "minute_max_amount"
            case .minuteMeanAmount: "minute_mean_amount"
            case .fiveMinuteDistinctTargets: "five_minute_distinct_targets"
            case .dayCount: "day_count"
            case .dayMaxAmount: "day_max_amount"
            case .closedDays: "closed_days"
            case .meanDailyCount: "mean_daily_count"
            case .meanDailyMaxAmount: "mean_daily_max_amount"
            case .balanceShareMoved: "balance_share_moved"
            case .balanceEmptied: "balance_emptied"
            case .firstCounterparty: "first_counterparty"
            case .late: "late"
            }
        }
    }

    /// The schema written by this build: `fraudstream-features` version 1.
    public static let current = FeatureSchema(
        name: "fraudstream-features",
        version: 1,
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
