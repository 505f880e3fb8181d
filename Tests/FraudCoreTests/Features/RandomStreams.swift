import FraudCore

/// Seeded random transaction streams that exercise every rule of the feature engine.
///
/// Event time mostly moves forward in small steps, with bursts (many transactions in one
/// millisecond or minute), gaps that cross minute, five-minute and day boundaries or exceed
/// the idle time to live, and events delivered out of order: inside the allowed lateness,
/// just beyond it, and hours or days back.
enum RandomStreams {
    /// 2026-01-01T00:00:00Z minus a few minutes, so that the first day boundary comes early.
    static let start: Int64 = 1_767_225_600_000 - 7 * 60_000

    static func stream(seed: UInt64, count: Int, accounts: Int = 40, targets: Int = 25) -> [Transaction] {
        var random = SeededGenerator(seed: seed)
        var clock = start
        var transactions: [Transaction] = []
        transactions.reserveCapacity(count)
        for number in 0..<count {
            clock += step(&random)
            let time = clock - delay(&random)
            let from = "C\(Int.random(in: 0..<accounts, using: &random))"
            // Targets overlap the paying accounts, and a few accounts send to a small set only.
            let to = Int.random(in: 0..<4, using: &random) == 0 ? "M\(Int.random(in: 0..<3, using: &random))"
                : "C\(Int.random(in: 0..<targets, using: &random))"
            let amount = Double(Int.random(in: 0...2_000_000, using: &random)) / 100
            let oldBalance: Double = switch Int.random(in: 0..<5, using: &random) {
            case 0: 0
            case 1: amount
            case 2: Double(Int.random(in: 0...100_000, using: &random)) / 100
            default: amount + Double(Int.random(in: 0...5_000_000, using: &random)) / 100
            }
            let newBalance = Int.random(in: 0..<6, using: &random) == 0 ? 0 : max(0, oldBalance - amount)
            transactions.append(Transaction(
                id: "tx-\(seed)-\(number)", timestamp: EventTime(millisecondsSinceEpoch: time),
                type: TransactionType.allCases.randomElement(using: &random)!, amount: amount,
                accountFrom: from, oldBalanceFrom: oldBalance, newBalanceFrom: newBalance,
                accountTo: to, oldBalanceTo: 0, newBalanceTo: amount))
        }
        return transactions
    }

    /// How far the clock moves before the next transaction.
    private static func step(_ random: inout SeededGenerator) -> Int64 {
        switch Int.random(in: 0..<1000, using: &random) {
        case 0..<250: 0  // same millisecond
        case 250..<700: Int64.random(in: 1...2_000, using: &random)
        case 700..<950: Int64.random(in: 1...40_000, using: &random)
        case 950..<985: Int64.random(in: 1...600_000, using: &random)  // minutes
        case 985..<997: Int64.random(in: 1...10_800_000, using: &random)  // hours
        default: Int64.random(in: 20_000_000...120_000_000, using: &random)  // past a day
        }
    }

    /// How far behind the clock a transaction's event time is.
    private static func delay(_ random: inout SeededGenerator) -> Int64 {
        switch Int.random(in: 0..<100, using: &random) {
        case 0..<78: 0
        case 78..<90: Int64.random(in: 1...30_000, using: &random)  // inside the default lateness
        case 90..<95: Int64.random(in: 29_000...400_000, using: &random)  // around and beyond it
        case 95..<98: Int64.random(in: 400_000...10_800_000, using: &random)
        default: Int64.random(in: 10_800_000...200_000_000, using: &random)  // days back
        }
    }

    /// Configurations the property tests run under: the default and tighter ones that make
    /// retention, saturation and eviction bite more often.
    static let configurations: [FeatureConfiguration] = {
        // The default, but with a time to live the streams' few days can exceed.
        var standard = FeatureConfiguration()
        standard.idleTimeToLive = .seconds(86_400)
        var tight = FeatureConfiguration()
        tight.minuteVersions = 1
        tight.fiveMinuteVersions = 1
        tight.dayVersions = 1
        tight.maxDistinctTargets = 3
        tight.counterpartyMemory = 2
        tight.allowedLateness = .seconds(20)
        tight.idleTimeToLive = .seconds(3 * 3600)
        var roomy = FeatureConfiguration()
        roomy.minuteVersions = 4
        roomy.fiveMinuteVersions = 3
        roomy.dayVersions = 5
        roomy.maxDistinctTargets = 5
        roomy.counterpartyMemory = 4
        roomy.allowedLateness = .milliseconds(90_500)
        roomy.idleTimeToLive = .seconds(20 * 3600)
        return [standard, tight, roomy]
    }()
}
