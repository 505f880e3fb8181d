/// Running totals of one partition's feature state, for metrics.
///
/// Counters start at zero when an engine is created or restored: they describe this
/// process's work, so a snapshot does not carry them.
public struct FeatureCounters: Hashable, Sendable {
    /// Transactions processed.
    public var transactions: UInt64 = 0
    /// Transactions that were late (see ``FeatureSchema/Feature/late``).
    public var lateEvents: UInt64 = 0
    /// Accounts whose state was dropped for being idle longer than the time to live.
    public var evictions: UInt64 = 0
    /// Accounts whose state is held now.
    public var residentAccounts: Int = 0

    /// Creates counters, all zero unless given.
    public init(transactions: UInt64 = 0, lateEvents: UInt64 = 0, evictions: UInt64 = 0, residentAccounts: Int = 0) {
        self.transactions = transactions
        self.lateEvents = lateEvents
        self.evictions = evictions
        self.residentAccounts = residentAccounts
    }
}
