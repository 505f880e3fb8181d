/// Counts of a generator run, reported every second and at the end.
public struct GeneratorProgress: Sendable, Hashable, CustomStringConvertible {
    /// Wall time since the run started.
    public var elapsed: Duration = .zero
    /// Transactions written (for Kafka: queued).
    public var transactions = 0
    /// Of those, fraud.
    public var fraud = 0
    /// Transactions of the `--history` written before the live part (not in ``transactions``).
    public var historyTransactions = 0
    /// Labels written.
    public var labels = 0
    /// Records that failed after being accepted.
    public var deliveryErrors = 0
    /// The latest delivery failure.
    public var lastDeliveryError: String?
    /// Transactions per second over the last reporting interval (over the whole run in a summary).
    public var currentRate = 0.0
    /// Whether this is the final report.
    public var isFinal = false

    /// Creates an empty report.
    public init() {}

    /// Transactions per second over the whole run.
    public var averageRate: Double {
        let seconds = elapsed.seconds
        return seconds > 0 ? Double(transactions) / seconds : 0
    }

    /// One line for stderr, such as
    /// `generate: 12.0 s, 12,000 tx (1,000/s), 118 fraud, 1,310 labels, 0 delivery errors`,
    /// followed by `; before them 86,400 history tx` after a `--history`. The time, rate and
    /// fraud are those of the live part; labels include the history's.
    public var description: String {
        let seconds = elapsed.seconds
        let rate = isFinal ? averageRate : currentRate
        var line = isFinal ? "generate finished: " : "generate: "
        line += "\(Self.fixed(seconds, 1)) s, \(Self.grouped(transactions)) tx (\(Self.grouped(Int(rate.rounded())))/s), "
        line += "\(Self.grouped(fraud)) fraud, \(Self.grouped(labels)) labels, \(Self.grouped(deliveryErrors)) delivery errors"
        if let lastDeliveryError, deliveryErrors > 0 { line += " (last: \(lastDeliveryError))" }
        if historyTransactions > 0 { line += "; before them \(Self.grouped(historyTransactions)) history tx" }
        return line
    }

    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }

    static func fixed(_ value: Double, _ decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int((value * scale).rounded())
        let whole = scaled / Int(scale)
        let fraction = String(scaled % Int(scale))
        return "\(whole)." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}

extension Duration {
    /// The duration in whole milliseconds, rounded toward zero.
    var inMilliseconds: Int64 {
        let (whole, attoseconds) = components
        return whole * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
