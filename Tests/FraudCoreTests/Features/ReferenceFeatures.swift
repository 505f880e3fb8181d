import FraudCore

/// The features computed by brute force from each account's full processed history.
///
/// Written to be obviously right rather than fast: for every transaction it rescans the
/// account's history (since the account last started afresh) and applies the rules of
/// docs/features.md directly. Window versions are not stored: a family "keeps" the N newest
/// windows that received an on-time transaction, and a dropped day is a closed day. Targets
/// are compared as strings (the engine compares 64-bit hashes of them).
struct ReferenceFeatures {
    /// One processed transaction of an account.
    struct Event {
        var time: Int64
        var amount: Double
        var target: String
        /// Money sent out (the amount, 0 for `CASH_IN`) and the balance before.
        var sent: Double
        var balance: Double
        /// Whether it landed in its window, per family (minute, five minutes, day).
        var landed: [Bool]
    }

    static let windowSizes: [Int64] = [60_000, 300_000, 86_400_000]

    let configuration: FeatureConfiguration
    var histories: [String: [Event]] = [:]
    var watermark: Int64?

    init(configuration: FeatureConfiguration) {
        self.configuration = configuration
    }

    var keptVersions: [Int] {
        [configuration.minuteVersions, configuration.fiveMinuteVersions, configuration.dayVersions]
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    static func window(_ time: Int64, family: Int) -> Int64 {
        let size = windowSizes[family]
        return time >= 0 ? time / size : -((-time + size - 1) / size)
    }

    /// The `count` newest of `windows`.
    static func newest(_ windows: Set<Int64>, count: Int) -> Set<Int64> {
        Set(windows.sorted().suffix(count))
    }

    /// `values` folded left with `combine`, starting from the first value.
    static func fold(_ values: [Double], _ combine: (Double, Double) -> Double) -> Double {
        values.dropFirst().reduce(values[0], combine)
    }

    mutating func process(_ transaction: Transaction) -> [Double] {
        typealias F = FeatureSchema.Feature
        let time = transaction.timestamp.millisecondsSinceEpoch
        let partitionTime = max(watermark ?? time, time)
        watermark = partitionTime
        var history = histories[transaction.accountFrom] ?? []
        if let latest = history.map(\.time).max(),
            partitionTime - latest > Self.milliseconds(configuration.idleTimeToLive)
        {
            history = []
        }
        let onTime = partitionTime - time <= Self.milliseconds(configuration.allowedLateness)

        var features = [Double](repeating: 0, count: FeatureSchema.width)
        features[F.amount.rawValue] = transaction.amount
        let typeFeature: F = switch transaction.type {
        case .payment: .typePayment
        case .transfer: .typeTransfer
        case .cashOut: .typeCashOut
        case .cashIn: .typeCashIn
        case .debit: .typeDebit
        }
        features[typeFeature.rawValue] = 1
        if let previous = history.last {
            features[F.hasPrevious.rawValue] = 1
            features[F.previousAmount.rawValue] = previous.amount
            features[F.secondsSincePrevious.rawValue] = Double(time - previous.time) / 1000
        }

        var landed = [false, false, false]
        var sameWindow: [[Event]] = []
        for family in 0..<3 {
            let window = Self.window(time, family: family)
            let landedEvents = history.filter { $0.landed[family] }
            let windows = Set(landedEvents.map { Self.window($0.time, family: family) })
            landed[family] = onTime && Self.newest(windows.union([window]), count: keptVersions[family]).contains(window)
            let isKept = Self.newest(windows, count: keptVersions[family]).contains(window)
            sameWindow.append(isKept ? landedEvents.filter { Self.window($0.time, family: family) == window } : [])
        }

        let minuteAmounts = sameWindow[0].map(\.amount) + [transaction.amount]
        features[F.minuteCount.rawValue] = Double(minuteAmounts.count)
        features[F.minuteAmountSum.rawValue] = Self.fold(minuteAmounts, +)

        let sent = transaction.type == .cashIn ? 0 : transaction.amount
        let fiveMinute = sameWindow[1]
        var targetsInOrder: [String] = []
        for target in fiveMinute.map(\.target) + [transaction.accountTo] where !targetsInOrder.contains(target) {
            targetsInOrder.append(target)
        }
        features[F.fiveMinuteCount.rawValue] = Double(fiveMinute.count + 1)
        features[F.fiveMinuteDistinctTargets.rawValue] = Double(min(targetsInOrder.count, configuration.maxDistinctTargets))
        let sentSum = Self.fold(fiveMinute.map(\.sent) + [sent], +)
        let largestBalance = Self.fold(fiveMinute.map(\.balance) + [transaction.oldBalanceFrom], max)
        features[F.fiveMinuteShareMoved.rawValue] = largestBalance > 0 ? sentSum / largestBalance : (sentSum > 0 ? 1 : 0)

        let dayAmounts = sameWindow[2].map(\.amount) + [transaction.amount]
        features[F.dayCount.rawValue] = Double(dayAmounts.count)
        features[F.dayMaxAmount.rawValue] = Self.fold(dayAmounts, max)
        let day = Self.window(time, family: 2)
        let landedDays = history.filter { $0.landed[2] }
        var dayWindows = Set(landedDays.map { Self.window($0.time, family: 2) })
        if landed[2] {
            dayWindows.insert(day)
        }
        let keptDays = Self.newest(dayWindows, count: configuration.dayVersions)
        let closedDays = dayWindows.subtracting(keptDays).union(keptDays.filter { $0 < day }).sorted()
        var countSum = 0.0
        var maxSum = 0.0
        for closedDay in closedDays {
            let amounts = landedDays.filter { Self.window($0.time, family: 2) == closedDay }.map(\.amount)
            countSum += Double(amounts.count)
            maxSum += Self.fold(amounts, max)
        }
        features[F.closedDays.rawValue] = Double(closedDays.count)
        if !closedDays.isEmpty {
            let meanCount = countSum / Double(closedDays.count)
            let meanMax = maxSum / Double(closedDays.count)
            features[F.meanDailyCount.rawValue] = meanCount
            features[F.meanDailyMaxAmount.rawValue] = meanMax
            features[F.dayCountToUsual.rawValue] = Double(dayAmounts.count) / meanCount
            if meanMax > 0 {
                features[F.dayMaxToUsual.rawValue] = Self.fold(dayAmounts, max) / meanMax
            }
        }
        habitFeatures(history, time: time, amount: transaction.amount, into: &features)
        balanceFeatures(transaction, into: &features)

        var remembered: [String] = []
        for event in history.reversed() where remembered.count < configuration.counterpartyMemory {
            if !remembered.contains(event.target) {
                remembered.append(event.target)
            }
        }
        features[F.firstCounterparty.rawValue] = remembered.contains(transaction.accountTo) ? 0 : 1

        features[F.late.rawValue] = landed.allSatisfy { $0 } ? 0 : 1

        history.append(Event(
            time: time, amount: transaction.amount, target: transaction.accountTo, sent: sent,
            balance: transaction.oldBalanceFrom, landed: landed))
        histories[transaction.accountFrom] = history
        return features
    }

    /// The habits of the account replayed from its whole history, as docs/features.md
    /// defines them: running means with weight 1 / min(n, 16) for the n-th observation, the
    /// deviation and the hour kept at the engine's stated precision (`Float`, fixed point).
    func habitFeatures(_ history: [Event], time: Int64, amount: Double, into features: inout [Double]) {
        typealias F = FeatureSchema.Feature
        var usualAmount = 0.0
        var usualDeviation: Float = 0
        var usualGap: Float = 0
        var hourX: Int16 = 0
        var hourY: Int16 = 0
        for (index, event) in history.enumerated() {
            let n = Double(min(index + 1, 16))
            let position = Self.dayPosition(event.time)
            if index == 0 {
                usualAmount = event.amount
                hourX = Self.fix(position.x)
                hourY = Self.fix(position.y)
            } else {
                usualDeviation = Float(Double(usualDeviation) + (abs(event.amount - usualAmount) - Double(usualDeviation)) / n)
                usualAmount += (event.amount - usualAmount) / n
                hourX = Self.fix(Double(hourX) / 16_384 + (position.x - Double(hourX) / 16_384) / n)
                hourY = Self.fix(Double(hourY) / 16_384 + (position.y - Double(hourY) / 16_384) / n)
                let gap = max(0, Double(event.time - history[index - 1].time) / 1000)
                usualGap = Float(Double(usualGap) + (gap - Double(usualGap)) / Double(min(index, 16)))
            }
        }
        let earlier = history.count
        features[F.historyCount.rawValue] = Double(min(earlier, 65_535))
        let position = Self.dayPosition(time)
        if earlier >= 1 {
            if usualAmount > 0 { features[F.amountToUsual.rawValue] = amount / usualAmount }
            features[F.hourUnusualness.rawValue] =
                abs(position.x - Double(hourX) / 16_384) + abs(position.y - Double(hourY) / 16_384)
        }
        if earlier >= 2 {
            let gap = max(0, Double(time - history[earlier - 1].time) / 1000)
            features[F.amountDeviation.rawValue] = (amount - usualAmount) / max(Double(usualDeviation), usualAmount / 10, 0.01)
            features[F.gapToUsual.rawValue] = gap / max(Double(usualGap), 1)
        }
    }

    /// Both sides' balances, straight from docs/features.md.
    func balanceFeatures(_ transaction: Transaction, into features: inout [Double]) {
        typealias F = FeatureSchema.Feature
        let amount = transaction.amount
        if transaction.oldBalanceFrom > 0 {
            features[F.balanceShareMoved.rawValue] = amount / transaction.oldBalanceFrom
            let emptied = transaction.newBalanceFrom == 0 || amount >= transaction.oldBalanceFrom
            features[F.balanceEmptied.rawValue] = emptied ? 1 : 0
        } else {
            features[F.balanceShareMoved.rawValue] = amount > 0 ? 1 : 0
        }
        let sign = transaction.type == .cashIn ? 1.0 : -1.0
        features[F.senderBalanceError.rawValue] = Self.cents(transaction.oldBalanceFrom + sign * amount - transaction.newBalanceFrom)
        features[F.receiverOldBalance.rawValue] = transaction.oldBalanceTo
        let reported = transaction.oldBalanceTo != 0 || transaction.newBalanceTo != 0
        features[F.receiverBalanceKnown.rawValue] = reported ? 1 : 0
        features[F.receiverBalanceError.rawValue] =
            reported ? Self.cents(transaction.oldBalanceTo + amount - transaction.newBalanceTo) : 0
        features[F.receiverWasEmpty.rawValue] = transaction.oldBalanceTo == 0 && transaction.newBalanceTo > 0 ? 1 : 0
    }

    static func cents(_ value: Double) -> Double {
        let rounded = (value * 100).rounded() / 100
        return rounded == 0 ? 0 : rounded
    }

    /// The time of day on the diamond, as docs/features.md writes it: x = 1 - |h - 12| / 6 and
    /// y the same six hours later, so 00:00 is (-1, 0), 06:00 (0, -1), 12:00 (1, 0), 18:00 (0, 1).
    static func dayPosition(_ time: Int64) -> (x: Double, y: Double) {
        var millisecond = time % 86_400_000
        if millisecond < 0 { millisecond += 86_400_000 }
        let hour = Double(millisecond) / 3_600_000
        let shifted = hour < 6 ? hour + 18 : hour - 6
        return (1 - abs(hour - 12) / 6, 1 - abs(shifted - 12) / 6)
    }

    static func fix(_ value: Double) -> Int16 {
        Int16((value * 16_384).rounded())
    }
}
