import FraudCore

/// What the simulator generates: the population, the share of fraud and of look-alikes, the
/// labelling policy, the event-time clock and the disorder.
///
/// Every rate is a share of *transactions* (not of scenarios), so the default
/// ``fraudRate`` of 0.01 means one transaction in a hundred is fraud.
public struct SimulationSettings: Sendable, Hashable {
    /// The seed of the pseudo-random generator; the same settings and seed give the same stream.
    public var seed: UInt64 = 42
    /// How many customer accounts send and receive money.
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
    /// Transactions per simulated second, on average: event time advances by 1/`eventsPerSecond`
    /// seconds per background transaction (jittered by ±50 %).
    public var eventsPerSecond: Double = 1000.0 / 60.0
    /// The share of transactions emitted late (after events with later event times), in [0, 1].
    public var disorderShare: Double = 0
    /// The largest delay of a late transaction, measured in event time; zero means no disorder.
    public var disorderMaxDelay: Duration = .zero

    /// Creates settings with the defaults: 10,000 customers, 500 merchants, 1 % fraud,
    /// 0.5 % look-alikes, 10 % of legitimate transactions labelled, 5 % corrections, labels
    /// about 5 minutes late, starting 2026-01-01T00:00:00Z, no disorder.
    public init() {}
}
