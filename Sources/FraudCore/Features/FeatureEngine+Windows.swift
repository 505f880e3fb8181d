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
            version.min = min(version.min, amount)
            version.max = max(version.max, amount)
            version.count += 1
            if mayUpdate {
                minutes[search.found] = version
                landed = true
            }
        } else {
            version = MinuteVersion(index: window, sum: amount, min: amount, max: amount, count: 1)
            if mayUpdate, let slot = search.slotForNewVersion(of: window) {
                minutes[slot] = version
                landed = true
            }
        }
        typealias F = FeatureSchema.Feature
        out[F.minuteCount.rawValue] = Double(version.count)
        out[F.minuteMinAmount.rawValue] = version.min
        out[F.minuteMaxAmount.rawValue] = version.max
        out[F.minuteMeanAmount.rawValue] = version.sum / Double(version.count)
        return landed
    }

    /// Updates (when on time and retained) and reads the account's 5-minute distinct-target window.
    ///
    /// - Returns: Whether the transaction landed in its window.
    mutating func applyFiveMinutes(
        _ account: Int, time: Int64, target: UInt64, mayUpdate: Bool, into out: UnsafeMutablePointer<Double>
    ) -> Bool {
        let window = Self.floorDivide(time, Self.fiveMinuteMilliseconds)
        let search = SlotSearch(
            fiveMinutes, slots: account * fiveMinuteVersionCount..<(account + 1) * fiveMinuteVersionCount, window: window)
        var distinct = 1
        var landed = false
        if search.found >= 0 {
            let count = Int(fiveMinutes[search.found].count)
            let base = search.found * targetCapacity
            var isKnown = false
            for position in base..<base + count where fiveMinuteTargets[position] == target {
                isKnown = true
                break
            }
            distinct = isKnown ? count : min(count + 1, targetCapacity)
            if mayUpdate {
                if !isKnown && count < targetCapacity {
                    fiveMinuteTargets[base + count] = target
                    fiveMinutes[search.found].count += 1
                }
                landed = true
            }
        } else if mayUpdate, let slot = search.slotForNewVersion(of: window) {
            fiveMinutes[slot] = FiveMinuteVersion(index: Int32(window), count: 1)
            fiveMinuteTargets[slot * targetCapacity] = target
            landed = true
        }
        out[FeatureSchema.Feature.fiveMinuteDistinctTargets.rawValue] = Double(distinct)
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
                    cores[account].closedDayCountSum += Double(dropped.count)
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
        var countSum = cores[account].closedDayCountSum
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
            out[F.meanDailyCount.rawValue] = countSum / Double(closedDays)
            out[F.meanDailyMaxAmount.rawValue] = maxSum / Double(closedDays)
        }
        return landed
    }
}
