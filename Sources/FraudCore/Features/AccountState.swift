/// The per-account scalars of a ``FeatureEngine``: lag, activity and the closed-day totals.
///
/// Window versions and target sets live in the engine's flat arrays, at positions derived
/// from the account's dense index, so an account owns no heap storage of its own.
struct AccountCore {
    /// The largest event time of the account's processed transactions.
    var lastActivity: Int64 = 0
    /// The event time of the account's previous transaction in processing order.
    var previousTime: Int64 = 0
    /// The amount of the account's previous transaction in processing order.
    var previousAmount: Double = 0
    /// Sum, in ascending day order, of the largest amounts of the dropped days.
    var closedDayMaxSum: Double = 0
    /// The account's usual amount: a running mean over about its last 16 transactions.
    var usualAmount: Double = 0
    /// How many days were dropped from the day versions.
    var closedDays: UInt32 = 0
    /// Sum of the transaction counts of the days dropped from the day versions (saturating).
    var closedDayCountSum: UInt32 = 0
    /// The usual absolute deviation from ``usualAmount``, over the same horizon.
    var usualDeviation: Float = 0
    /// The usual seconds between two of the account's transactions, over the same horizon.
    var usualGap: Float = 0
    /// The usual time of day: the running mean of the point the hour takes on a diamond (see
    /// `FeatureEngine.dayPosition`), each coordinate in fixed point (1 = 16,384).
    var usualHourX: Int16 = 0
    var usualHourY: Int16 = 0
    /// Earlier-processed transactions since the account was admitted, capped at 65,535.
    var history: UInt16 = 0
    /// How many counterparties are remembered (most recently used first).
    var counterpartyCount: UInt8 = 0
    /// Whether this slot holds a live account.
    var isResident = false
}

/// One version of an account's 1-minute window; empty when `count` is 0.
struct MinuteVersion {
    /// Minutes since the epoch (floor).
    var index: Int64 = 0
    /// Sum of the amounts, added in processing order.
    var sum: Double = 0
    var count: UInt32 = 0
}

/// One version of an account's 5-minute window; empty when `count` is 0.
///
/// Its distinct target hashes live in ``FeatureEngine``'s target array.
struct FiveMinuteVersion {
    /// Money sent out in the window (every type but `CASH_IN`), added in processing order.
    var sentSum: Double = 0
    /// The largest `old_balance_from` of the window's transactions.
    var largestBalance: Double = 0
    /// Five-minute periods since the epoch (floor).
    var index: Int32 = 0
    /// Distinct targets held (at most `maxDistinctTargets`).
    var count: UInt8 = 0
    /// Transactions in the window (saturating at 65,535).
    var transactions: UInt16 = 0
}

/// One version of an account's day window (UTC); empty when `count` is 0.
struct DayVersion {
    /// Days since the epoch (floor).
    var index: Int32 = 0
    var count: UInt32 = 0
    var max: Double = 0
}

/// A kept version of one tumbling window: which window it is, and whether its slot is free.
protocol WindowVersion {
    /// The window's index: its start divided by the window length.
    var window: Int64 { get }
    /// Whether the slot holds no version.
    var isEmpty: Bool { get }
}

extension MinuteVersion: WindowVersion {
    var window: Int64 { index }
    var isEmpty: Bool { count == 0 }
}

extension FiveMinuteVersion: WindowVersion {
    var window: Int64 { Int64(index) }
    var isEmpty: Bool { count == 0 }
}

extension DayVersion: WindowVersion {
    var window: Int64 { Int64(index) }
    var isEmpty: Bool { count == 0 }
}
