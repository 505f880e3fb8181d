/// The three tumbling-window families and their ASOF versions.
///
/// Each family keeps up to N versions (distinct windows) per account, in unordered slots.
/// A transaction's window is *retained* when it already has a version, when a slot is
/// free, or when it is newer than the oldest kept version (which it then replaces): the
/// kept versions are always the N newest windows that received an on-time transaction.
/// An on-time transaction whose window is retained lands in that version and reads it;
/// any other transaction reads the kept version of its window (if any) plus itself, and
/// changes nothing.
extension FeatureEngine {
    static let minuteMilliseconds: Int64 = 60_000
    static let fiveMinuteMilliseconds: Int64 = 300_000
    static let dayMilliseconds: Int64 = 86_400_000

    /// Slots of one family for one account: the one holding `window`, a free one, and the oldest.
    struct SlotSearch {
        var found = -1
        var free = -1
        var oldest = -1
        var oldestWindow = Int64.max

        /// Looks through `slots` of `versions` for `window`, remembering a free slot and the
        /// oldest kept version on the way.
        init<Version: WindowVersion>(_ versions: [Version], slots: Range<Int>, window: Int64) {
            for slot in slots {
                let version = versions[slot]
                if version.isEmpty {
                    if free < 0 { free = slot }
                } else if version.window == window {
                    found = slot
                    return
                } else if version.window < oldestWindow {
                    oldestWindow = version.window
                    oldest = slot
                }
            }
        }

        /// The slot a new version of `window` goes to, or `nil` when the window is too old to keep.
        func slotForNewVersion(of window: Int64) -> Int? {
            if free >= 0 {
                return free
            }
            return window > oldestWindow ? oldest : nil
        }
    }

    /// Updates (when on time and retained) and reads the account's 1-minute window.
    ///
    /// - Returns: Whether the transaction landed in its window.
    mutating func applyMinute(
        _ account: Int, time: Int64, amount: Double, mayUpdate: Bool, into out: UnsafeMutablePointer<Double>
    ) -> Bool {
        let window = Self.floorDivide(time, Self.minuteMilliseconds)
        let search = SlotSearch(minutes, slots: account * minuteVersionCount..<(account + 1) * minuteVersionCount, window: window)
        var version: MinuteVersion
        var landed = false
        if search.found >= 0 {
            version = minutes[search.found]
            version.sum += amount
            version.count += 1
            if mayUpdate {
                minutes[search.found] = version
                landed = true
            }
        } else {
            version = MinuteVersion(index: window, sum: amount, count: 1)
            if mayUpdate, let slot = search.slotForNewVersion(of: window) {
                minutes[slot] = version
                landed = true
            }
        }
        typealias F = FeatureSchema.Feature
        out[F.minuteCount.rawValue] = Double(version.count)
        out[F.minuteAmountSum.rawValue] = version.sum
        return landed
    }

    /// Updates (when on time and retained) and reads the account's 5-minute window: its
    /// count, distinct targets and the share of the balance sent out.
    ///
    /// - Parameters:
    ///   - sent: The money this transaction sends out (0 for a `CASH_IN`).
    ///   - balance: The sender's balance before it, `old_balance_from`.
    /// - Returns: Whether the transaction landed in its window.
    mutating func applyFiveMinutes(
        _ account: Int, time: Int64, target: UInt64, sent: Double, balance: Double, mayUpdate: Bool,
        into out: UnsafeMutablePointer<Double>
    ) -> Bool {
        let window = Self.floorDivide(time, Self.fiveMinuteMilliseconds)
        let search = SlotSearch(
            fiveMinutes, slots: account * fiveMinuteVersionCount..<(account + 1) * fiveMinuteVersionCount, window: window)
        var version: FiveMinuteVersion
        var landed = false
        if search.found >= 0 {
            version = fiveMinutes[search.found]
            let count = Int(version.count)
            let base = search.found * targetCapacity
            var isKnown = false
            for position in base..<base + count where fiveMinuteTargets[position] == target {
                isKnown = true
                break
            }
            version.sentSum += sent
            version.largestBalance = max(version.largestBalance, balance)
            if version.transactions < .max { version.transactions += 1 }
            if !isKnown && count < targetCapacity {
                version.count += 1
                if mayUpdate { fiveMinuteTargets[base + count] = target }
            }
            if mayUpdate {
                fiveMinutes[search.found] = version
                landed = true
            }
        } else {
            version = FiveMinuteVersion(
                sentSum: sent, largestBalance: balance, index: Int32(truncatingIfNeeded: window), count: 1, transactions: 1)
            if mayUpdate, let slot = search.slotForNewVersion(of: window) {
                fiveMinutes[slot] = version
                fiveMinuteTargets[slot * targetCapacity] = target
                landed = true
            }
        }
        typealias F = FeatureSchema.Feature
        out[F.fiveMinuteCount.rawValue] = Double(version.transactions)
        out[F.fiveMinuteDistinctTargets.rawValue] = Double(version.count)
        if version.largestBalance > 0 {
            out[F.fiveMinuteShareMoved.rawValue] = version.sentSum / version.largestBalance
        } else {
            out[F.fiveMinuteShareMoved.rawValue] = version.sentSum > 0 ? 1 : 0
        }
        return landed
    }

    /// Updates (when on time and retained) and reads the account's day window and its closed-day history.
    ///
    /// A day pushed out of the kept versions folds into the account's closed-day totals.
    /// - Returns: Whether the transaction landed in its window.
    mutating func applyDay(
        _ account: Int, time: Int64, amount: Double, mayUpdate: Bool, into out: UnsafeMutablePointer<Double>
    ) -> Bool {
        let window = Self.floorDivide(time, Self.dayMilliseconds)
        let slots = account * dayVersionCount..<(account + 1) * dayVersionCount
        let search = SlotSearch(days, slots: slots, window: window)
        var version: DayVersion
        var landed = false
        if search.found >= 0 {
            version = days[search.found]
            version.count += 1
            version.max = max(version.max, amount)
            if mayUpdate {
                days[search.found] = version
                landed = true
            }
        } else {
            version = DayVersion(index: Int32(window), count: 1, max: amount)
            if mayUpdate, let slot = search.slotForNewVersion(of: window) {
                if search.free < 0 {
                    let dropped = days[slot]
                    cores[account].closedDays += 1
                    let (countSum, overflow) = cores[account].closedDayCountSum.addingReportingOverflow(dropped.count)
                    cores[account].closedDayCountSum = overflow ? .max : countSum
                    cores[account].closedDayMaxSum += dropped.max
                }
                days[slot] = version
                landed = true
            }
        }
        typealias F = FeatureSchema.Feature
        out[F.dayCount.rawValue] = Double(version.count)
        out[F.dayMaxAmount.rawValue] = version.max

        // Closed days: the dropped ones (all older than any kept), then kept days before this one, ascending.
        var closedDays = Int(cores[account].closedDays)
        var countSum = Double(cores[account].closedDayCountSum)
        var maxSum = cores[account].closedDayMaxSum
        var after = Int64.min
        while true {
            var next = -1
            var nextWindow = window
            for slot in slots where days[slot].count > 0 {
                let index = Int64(days[slot].index)
                if index > after && index < nextWindow {
                    next = slot
                    nextWindow = index
                }
            }
            guard next >= 0 else { break }
            closedDays += 1
            countSum += Double(days[next].count)
            maxSum += days[next].max
            after = nextWindow
        }
        out[F.closedDays.rawValue] = Double(closedDays)
        if closedDays > 0 {
            let meanCount = countSum / Double(closedDays)
            let meanMax = maxSum / Double(closedDays)
            out[F.meanDailyCount.rawValue] = meanCount
            out[F.meanDailyMaxAmount.rawValue] = meanMax
            out[F.dayCountToUsual.rawValue] = Double(version.count) / meanCount
            if meanMax > 0 {
                out[F.dayMaxToUsual.rawValue] = version.max / meanMax
            }
        }
        return landed
    }
}
