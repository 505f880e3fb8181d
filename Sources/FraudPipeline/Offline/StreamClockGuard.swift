import FraudCore

/// The offline counterpart of the worker's clock-skew check: a file of transactions carries no
/// Kafka timestamps, so the trusted clock is the stream's own.
///
/// A transaction whose event time is more than ``maxSkewMilliseconds`` after the latest event
/// time accepted so far is out of range (`timestamp_out_of_range`) unless most of the next
/// ``lookahead`` transactions agree with it (their event times are no more than the skew
/// before it): a genuine jump, such as traffic resuming after a quiet night, is confirmed by what
/// follows, while one bad clock — a year 2530, or one producer an hour fast among others — is not.
/// Decisions depend only on the file, so a replay is deterministic.
struct StreamClockGuard {
    /// How many following transactions vote on a jump.
    static let lookahead = 7

    /// The allowed skew, in milliseconds.
    let maxSkewMilliseconds: Int64
    /// The latest event time accepted, or `nil` before the first transaction.
    private(set) var clock: Int64?

    init(maxSkewMilliseconds: Int64) {
        self.maxSkewMilliseconds = maxSkewMilliseconds
    }

    /// Decides on a transaction at `time`, given the event times of the ones after it (at most
    /// ``lookahead``; fewer at the end of the file).
    /// - Returns: `nil` when accepted (and the clock moves), else the rejection.
    mutating func check(_ time: Int64, following: some Collection<Int64>) -> WireDecodingError? {
        guard let clock, time > clock + maxSkewMilliseconds else {
            self.clock = max(clock ?? time, time)
            return nil
        }
        let agreeing = following.count { $0 >= time - maxSkewMilliseconds }
        if agreeing * 2 > following.count, !following.isEmpty {
            self.clock = time
            return nil
        }
        return .timestampOutOfRange(
            field: "timestamp", millisecondsSinceEpoch: time, reference: "the latest event time before it",
            referenceMilliseconds: clock, maxSkewMilliseconds: maxSkewMilliseconds)
    }
}
