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
        features[F.minuteMinAmount.rawValue] = Self.fold(minuteAmounts, min)
        features[F.minuteMaxAmount.rawValue] = Self.fold(minuteAmounts, max)
        features[F.minuteMeanAmount.rawValue] = Self.fold(minuteAmounts, +) / Double(minuteAmounts.count)

        let targets = Set(sameWindow[1].map(\.target) + [transaction.accountTo])
        features[F.fiveMinuteDistinctTargets.rawValue] = Double(min(targets.count, configuration.maxDistinctTargets))

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
            features[F.meanDailyCount.rawValue] = countSum / Double(closedDays.count)
            features[F.meanDailyMaxAmount.rawValue] = maxSum / Double(closedDays.count)
        }

        var remembered: [String] = []
        for event in history.reversed() where remembered.count < configuration.counterpartyMemory {
            if !remembered.contains(event.target) {
                remembered.append(event.target)
            }
        }
        features[F.firstCounterparty.rawValue] = remembered.contains(transaction.accountTo) ? 0 : 1

        if transaction.oldBalanceFrom > 0 {
            features[F.balanceShareMoved.rawValue] = transaction.amount / transaction.oldBalanceFrom
            let emptied = transaction.newBalanceFrom == 0 || transaction.amount >= transaction.oldBalanceFrom
            features[F.balanceEmptied.rawValue] = emptied ? 1 : 0
        } else {
            features[F.balanceShareMoved.rawValue] = transaction.amount > 0 ? 1 : 0
        }
        features[F.late.rawValue] = landed.allSatisfy { $0 } ? 0 : 1

        history.append(Event(time: time, amount: transaction.amount, target: transaction.accountTo, landed: landed))
        histories[transaction.accountFrom] = history
        return features
    }
}
