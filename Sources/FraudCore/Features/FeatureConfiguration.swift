/// How a ``FeatureEngine`` keeps per-account state: window versions, lateness, eviction.
///
/// Every partition of a deployment must use the same configuration: it is part of the
/// meaning of the features (a snapshot records it and refuses to restore under another).
/// Durations are truncated to whole milliseconds, the resolution of ``EventTime``.
public struct FeatureConfiguration: Hashable, Sendable {
    /// Versions (distinct windows) of the 1-minute family kept per account, 1...16.
    ///
    /// An event whose minute is older than the newest this-many minutes the account has
    /// used is late. The default 2 keeps the current and the previous minute.
    public var minuteVersions: Int = 2
    /// Versions of the 5-minute family kept per account, 1...16.
    public var fiveMinuteVersions: Int = 2
    /// Versions of the 1-day family kept per account, 1...16; older days fold into the historical means.
    public var dayVersions: Int = 2
    /// How far behind the partition's largest event time seen an event may be and still
    /// update its windows. Later events are scored, counted as late, and change no window.
    public var allowedLateness: Duration = .seconds(30)
    /// An account whose latest event time is more than this behind the partition's largest
    /// event time seen is evicted: its state is dropped, and it starts afresh if seen again.
    public var idleTimeToLive: Duration = .seconds(7 * 86_400)
    /// Distinct receiving accounts tracked per 5-minute window, 1...255; the feature saturates there.
    public var maxDistinctTargets: Int = 8
    /// Distinct receiving accounts remembered per account for ``FeatureSchema/Feature/firstCounterparty``,
    /// 1...255; the least recently used is forgotten first.
    public var counterpartyMemory: Int = 8

    /// Creates the default configuration; change any field afterwards.
    public init() {}

    /// ``allowedLateness`` in whole milliseconds.
    var allowedLatenessMilliseconds: Int64 {
        Self.milliseconds(allowedLateness)
    }

    /// ``idleTimeToLive`` in whole milliseconds.
    var idleTimeToLiveMilliseconds: Int64 {
        Self.milliseconds(idleTimeToLive)
    }

    /// The first thing wrong with this configuration, or `nil` when it is usable.
    func problem() -> FeatureConfigurationError? {
        for (name, value) in [
            ("minuteVersions", minuteVersions), ("fiveMinuteVersions", fiveMinuteVersions),
            ("dayVersions", dayVersions),
        ] where !(1...16).contains(value) {
            return FeatureConfigurationError("\(name) must be between 1 and 16, got \(value)")
        }
        for (name, value) in [("maxDistinctTargets", maxDistinctTargets), ("counterpartyMemory", counterpartyMemory)]
        where !(1...255).contains(value) {
            return FeatureConfigurationError("\(name) must be between 1 and 255, got \(value)")
        }
        let year: Duration = .seconds(366 * 86_400)
        if allowedLateness < .zero || allowedLateness > year {
            return FeatureConfigurationError("allowedLateness must be between 0 and 366 days, got \(allowedLateness)")
        }
        if idleTimeToLive < .milliseconds(1) || idleTimeToLive > .seconds(100 * 366 * 86_400) {
            return FeatureConfigurationError(
                "idleTimeToLive must be between 1 ms and 100 years, got \(idleTimeToLive)")
        }
        return nil
    }

    /// Whole milliseconds of a non-negative duration, truncated.
    public static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
