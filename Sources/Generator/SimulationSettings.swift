import FraudCore

/// What the simulator generates: the population, the share of fraud and of look-alikes, the
/// labelling policy, the event-time clock and the disorder.
///
/// Every rate is a share of *transactions* (not of scenarios), so the default
/// ``fraudRate`` of 0.01 means one transaction in a hundred is fraud.
public struct SimulationSettings: Sendable, Hashable {
    /// The seed of the pseudo-random generator; the same settings and seed give the same stream.
    public var seed: UInt64 = 42
    /// How many customer accounts send and receive money, below ``maximumAccounts``.
    ///
    /// The population sets the pace of event time: ``eventsPerSecond`` is
    /// ``naturalEventsPerSecond``, `accounts` × ``meanPaymentsPerDay`` / 86,400, unless
    /// ``wallClockEventsPerSecond`` says otherwise. No memory is spent per account up front,
    /// so tens of millions are fine.
    public var accounts: Int = 10_000
    /// How many merchant accounts receive payments and serve cash-in/cash-out.
    public var merchants: Int = 500
    /// The share of transactions that are fraud, in [0, 1).
    public var fraudRate: Double = 0.01
    /// The share of transactions that are legitimate look-alikes of the fraud shapes, in [0, 1).
    public var lookAlikeRate: Double = 0.005
    /// The share of legitimate transactions that receive a (not-fraud) label; every fraud
    /// transaction is labelled.
    public var legitimateLabelShare: Double = 0.10
    /// The share of labelled transactions whose first label is wrong and is corrected later.
    public var correctionShare: Double = 0.05
    /// The typical time between a transaction and its label; each label's delay is drawn
    /// uniformly from half to one and a half times this.
    public var labelDelay: Duration = .seconds(300)
    /// The event time of the first transaction.
    public var start: EventTime = EventTime(millisecondsSinceEpoch: 1_767_225_600_000)  // 2026-01-01T00:00:00Z
    /// The pace of event time when it must follow the wall clock rather than the population
    /// (`--clock real`, where event time is wall time at `--rate`): `nil` (the default) lets
    /// event time run at the population's ``naturalEventsPerSecond``. When it differs from the
    /// natural rate, every account pays that many times faster (or slower) than its own pace.
    public var wallClockEventsPerSecond: Double?
    /// The share of transactions emitted late (after events with later event times), in [0, 1].
    public var disorderShare: Double = 0
    /// The largest delay of a late transaction, measured in event time; zero means no disorder.
    public var disorderMaxDelay: Duration = .zero

    /// Transactions per event-time second, on average: event time advances by
    /// 1/`eventsPerSecond` seconds per background transaction (jittered by ±50 %).
    /// ``wallClockEventsPerSecond`` if set, else ``naturalEventsPerSecond``.
    public var eventsPerSecond: Double {
        wallClockEventsPerSecond ?? naturalEventsPerSecond
    }

    /// The rate at which this population pays, in transactions per event-time second:
    /// ``accounts`` × ``meanPaymentsPerDay`` / 86,400 (0.763/s for 10,000 accounts).
    public var naturalEventsPerSecond: Double {
        Self.naturalEventsPerSecond(accounts: accounts)
    }

    /// The mean daily pace of a customer, in payments per day: ≈ 6.594, the mean of the
    /// log-normal pace (median 4, σ = 1.0) clamped to [0.2, 300]. Every account's pace is
    /// fixed in event time, whatever `--rate` is.
    public static let meanPaymentsPerDay: Double = PaceClasses.meanPaymentsPerDay

    /// The largest population: account names are a bijection of indices below 2^29, and
    /// never-seen accounts take the indices after the customers'.
    public static let maximumAccounts = (1 << 28) - 1

    /// The rate at which `accounts` customers pay, in transactions per event-time second.
    public static func naturalEventsPerSecond(accounts: Int) -> Double {
        Double(accounts) * meanPaymentsPerDay / 86_400
    }

    /// The population whose natural rate is `eventsPerSecond`, before clamping:
    /// `eventsPerSecond` × 86,400 / ``meanPaymentsPerDay``, rounded (26,205,xxx for 2,000/s).
    public static func accounts(forEventsPerSecond eventsPerSecond: Double) -> Double {
        (eventsPerSecond * 86_400 / meanPaymentsPerDay).rounded()
    }

    /// Creates settings with the defaults: 10,000 customers (so 0.763 transactions per
    /// event-time second), 500 merchants, 1 % fraud,
    /// 0.5 % look-alikes, 10 % of legitimate transactions labelled, 5 % corrections, labels
    /// about 5 minutes late, starting 2026-01-01T00:00:00Z, no disorder.
    public init() {}
}
