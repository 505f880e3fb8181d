/// The account's habits: its usual amount, gap and time of day, and the features that
/// measure a transaction against them.
///
/// Each habit is a running mean whose weight is `1 / min(n, habitHorizon)` for the account's
/// `n`-th observation: an exact mean over the first 16 observations, then an exponentially
/// weighted mean that forgets with a horizon of about 16 transactions. Only IEEE arithmetic
/// that is correctly rounded everywhere is used (no logarithms or trigonometry from the
/// platform's maths library), so the values are the same bits on every machine.
extension FeatureEngine {
    /// The horizon, in transactions, of the running means.
    static let habitHorizon: UInt16 = 16
    /// The largest count ``AccountCore/history`` holds.
    static let historyCap: UInt16 = .max

    /// Where the time of day lies on a diamond (the unit circle of the L1 norm): 00:00 at
    /// (-1, 0), 06:00 at (0, -1), 12:00 at (1, 0), 18:00 at (0, 1), linear in between.
    ///
    /// A piecewise-linear stand-in for (−cos, −sin) of the hour angle: like them it makes
    /// 23:59 and 00:01 neighbours, and it needs no transcendental function.
    static func dayPosition(_ time: Int64) -> (x: Double, y: Double) {
        let millisecond = time - floorDivide(time, dayMilliseconds) * dayMilliseconds
        let hour = Double(millisecond) / 3_600_000
        return (triangle(hour), triangle(hour < 6 ? hour + 18 : hour - 6))
    }

    /// 1 - |hour - 12| / 6: -1 at 0 h, 1 at 12 h, -1 at 24 h.
    private static func triangle(_ hour: Double) -> Double {
        1 - abs(hour - 12) / 6
    }

    /// Writes the features relative to the account's habits (as they were before this
    /// transaction) and then folds the transaction into them.
    ///
    /// - Parameters:
    ///   - gapSeconds: Seconds since the account's previous transaction, or `nil` without one.
    mutating func applyHabits(
        _ account: Int, time: Int64, amount: Double, gapSeconds: Double?, into out: UnsafeMutablePointer<Double>
    ) {
        typealias F = FeatureSchema.Feature
        var core = cores[account]
        let earlier = core.history
        let position = Self.dayPosition(time)
        let gap = max(0, gapSeconds ?? 0)
        out[F.historyCount.rawValue] = Double(earlier)
        if earlier >= 1 {
            if core.usualAmount > 0 {
                out[F.amountToUsual.rawValue] = amount / core.usualAmount
            }
            out[F.hourUnusualness.rawValue] =
                abs(position.x - Self.unfix(core.usualHourX)) + abs(position.y - Self.unfix(core.usualHourY))
        }
        if earlier >= 2 {
            let scale = max(Double(core.usualDeviation), core.usualAmount / 10, 0.01)
            out[F.amountDeviation.rawValue] = (amount - core.usualAmount) / scale
            out[F.gapToUsual.rawValue] = gap / max(Double(core.usualGap), 1)
        }

        let count = earlier < Self.historyCap ? earlier + 1 : earlier
        let horizon = Double(min(count, Self.habitHorizon))
        if earlier == 0 {
            core.usualAmount = amount
            core.usualDeviation = 0
            core.usualHourX = Self.fix(position.x)
            core.usualHourY = Self.fix(position.y)
        } else {
            let deviation = abs(amount - core.usualAmount)
            core.usualDeviation = Float(Double(core.usualDeviation) + (deviation - Double(core.usualDeviation)) / horizon)
            core.usualAmount += (amount - core.usualAmount) / horizon
            let hourX = Self.unfix(core.usualHourX)
            let hourY = Self.unfix(core.usualHourY)
            core.usualHourX = Self.fix(hourX + (position.x - hourX) / horizon)
            core.usualHourY = Self.fix(hourY + (position.y - hourY) / horizon)
            // The n-th transaction gives the (n - 1)-th gap.
            let gapHorizon = Double(min(count - 1, Self.habitHorizon))
            core.usualGap = Float(Double(core.usualGap) + (gap - Double(core.usualGap)) / gapHorizon)
        }
        core.history = count
        cores[account] = core
    }

    /// A coordinate in [-1, 1] in fixed point, 1 = 16,384, rounded to nearest.
    static func fix(_ value: Double) -> Int16 {
        Int16((value * 16_384).rounded())
    }

    /// A fixed-point coordinate back as a `Double`.
    static func unfix(_ value: Int16) -> Double {
        Double(value) / 16_384
    }

    /// Writes the features of both sides' balances: whether each side's change agrees with
    /// the amount, and what the receiving side held.
    static func applyBalances(_ transaction: Transaction, into out: UnsafeMutablePointer<Double>) {
        typealias F = FeatureSchema.Feature
        let amount = transaction.amount
        let oldBalance = transaction.oldBalanceFrom
        if oldBalance > 0 {
            out[F.balanceShareMoved.rawValue] = amount / oldBalance
            out[F.balanceEmptied.rawValue] = transaction.newBalanceFrom == 0 || amount >= oldBalance ? 1 : 0
        } else {
            out[F.balanceShareMoved.rawValue] = amount > 0 ? 1 : 0
        }
        let expected = transaction.type == .cashIn ? oldBalance + amount : oldBalance - amount
        out[F.senderBalanceError.rawValue] = roundedToCents(expected - transaction.newBalanceFrom)

        let oldTo = transaction.oldBalanceTo
        let newTo = transaction.newBalanceTo
        out[F.receiverOldBalance.rawValue] = oldTo
        if oldTo != 0 || newTo != 0 {
            out[F.receiverBalanceKnown.rawValue] = 1
            out[F.receiverBalanceError.rawValue] = roundedToCents(oldTo + amount - newTo)
        }
        out[F.receiverWasEmpty.rawValue] = oldTo == 0 && newTo > 0 ? 1 : 0
    }

    /// `value` rounded to whole cents (ties away from zero), with -0 as 0.
    static func roundedToCents(_ value: Double) -> Double {
        let rounded = (value * 100).rounded() / 100
        return rounded == 0 ? 0 : rounded
    }
}
