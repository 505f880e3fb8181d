/// The feature state of one partition and the computation of every transaction's features.
///
/// Feed it the partition's transactions in processing (Kafka offset) order; each call
/// returns the features of one transaction, point-in-time correct as of that transaction,
/// and updates the state. Processing is deterministic: the same configuration and the same
/// sequence of transactions give bit-identical vectors and identical ``snapshot()`` bytes,
/// in any process on any machine. docs/features.md defines every feature and rule.
///
/// A value type with no I/O, so tests and benchmarks run it directly; ``PartitionActor``
/// owns one per partition in the worker.
///
/// Accounts (`account_from`) are interned to dense indices; their window versions live in
/// flat arrays at fixed positions, so in the steady state (no growth in resident accounts)
/// processing allocates nothing.
public struct FeatureEngine: Sendable {
    /// The configuration the state was built with.
    public let configuration: FeatureConfiguration
    /// Totals since this engine was created or restored.
    public internal(set) var counters = FeatureCounters()

    let minuteVersionCount: Int
    let fiveMinuteVersionCount: Int
    let dayVersionCount: Int
    let targetCapacity: Int
    let counterpartyCapacity: Int
    let allowedLatenessMilliseconds: Int64
    let timeToLiveMilliseconds: Int64
    /// Width in event time of one eviction bucket.
    let sweepBucketMilliseconds: Int64

    /// Dense index of each resident account.
    var accountIndex: [String: Int32] = [:]
    /// The id of the account at each index ("" for a free index).
    var accountIDs: [String] = []
    var cores: [AccountCore] = []
    /// `minuteVersionCount` versions per account index.
    var minutes: [MinuteVersion] = []
    /// `fiveMinuteVersionCount` versions per account index.
    var fiveMinutes: [FiveMinuteVersion] = []
    /// `targetCapacity` target hashes per 5-minute version.
    var fiveMinuteTargets: [UInt64] = []
    /// `dayVersionCount` versions per account index.
    var days: [DayVersion] = []
    /// `counterpartyCapacity` target hashes per account index, most recently used first.
    var counterparties: [UInt64] = []
    /// Indices of evicted accounts, reused before the arrays grow.
    var freeIndices: [Int32] = []
    /// Accounts by the eviction bucket of their latest activity, in a ring of buckets.
    var sweepSlots: [[Int32]]

    /// Whether any transaction has been processed (``maxEventTime`` is then meaningful).
    var hasEvents = false
    /// The largest event time the partition has seen: its watermark.
    var maxEventTime: Int64 = 0
    /// Every eviction bucket up to this one has been swept.
    var sweptThrough: Int64 = 0

    /// Creates an engine with no state.
    ///
    /// - Parameter configuration: Window versions, lateness and eviction settings.
    /// - Throws: ``FeatureConfigurationError`` when a setting is out of range.
    public init(configuration: FeatureConfiguration = FeatureConfiguration()) throws(FeatureConfigurationError) {
        if let problem = configuration.problem() {
            throw problem
        }
        self.configuration = configuration
        minuteVersionCount = configuration.minuteVersions
        fiveMinuteVersionCount = configuration.fiveMinuteVersions
        dayVersionCount = configuration.dayVersions
        targetCapacity = configuration.maxDistinctTargets
        counterpartyCapacity = configuration.counterpartyMemory
        allowedLatenessMilliseconds = configuration.allowedLatenessMilliseconds
        timeToLiveMilliseconds = configuration.idleTimeToLiveMilliseconds
        sweepBucketMilliseconds = max(1, timeToLiveMilliseconds / 32)
        // Live buckets span at most timeToLive / bucket + 2 buckets; two more keep slots unambiguous.
        sweepSlots = Array(repeating: [], count: Int(timeToLiveMilliseconds / sweepBucketMilliseconds) + 4)
    }

    /// Computes the features of the next transaction of the partition and updates the state.
    ///
    /// - Parameter transaction: The next transaction in processing order.
    /// - Returns: Its features, in the order of ``FeatureSchema/current``.
    public mutating func process(_ transaction: Transaction) -> FeatureVector {
        var vector = FeatureVector()
        vector.withUnsafeMutableBufferPointer { compute(transaction, into: $0.baseAddress!) }
        return vector
    }

    /// Computes the features of each transaction of `batch` in order, appending one row per transaction.
    ///
    /// - Parameters:
    ///   - batch: The next transactions of the partition, in processing order.
    ///   - matrix: Receives one row per transaction; existing rows are kept.
    public mutating func process(_ batch: [Transaction], into matrix: inout FeatureMatrix) {
        // A concrete array, not a generic sequence: unspecialised generic iteration from
        // another module would cost an allocation per element.
        matrix.reserveRows(batch.count)
        for index in batch.indices {
            matrix.appendRow { compute(batch[index], into: $0) }
        }
    }

    /// The features of `transaction`, written into `out` (zeroed, ``FeatureSchema/width`` values).
    mutating func compute(_ transaction: Transaction, into out: UnsafeMutablePointer<Double>) {
        typealias F = FeatureSchema.Feature
        let time = transaction.timestamp.millisecondsSinceEpoch
        let amount = transaction.amount
        advanceWatermark(to: time)
        let mayUpdateWindows = maxEventTime - time <= allowedLatenessMilliseconds

        let account: Int
        var isNew = false
        if let existing = accountIndex[transaction.accountFrom] {
            if maxEventTime - cores[Int(existing)].lastActivity > timeToLiveMilliseconds {
                evict(Int(existing))
                account = admit(transaction.accountFrom, at: time)
                isNew = true
            } else {
                account = Int(existing)
            }
        } else {
            account = admit(transaction.accountFrom, at: time)
            isNew = true
        }
        let previousActivity = cores[account].lastActivity

        out[F.amount.rawValue] = amount
        out[Self.typeFeature(transaction.type).rawValue] = 1
        var gapSeconds: Double?
        if !isNew {
            let gap = Double(time - cores[account].previousTime) / 1000
            gapSeconds = gap
            out[F.hasPrevious.rawValue] = 1
            out[F.previousAmount.rawValue] = cores[account].previousAmount
            out[F.secondsSincePrevious.rawValue] = gap
        }
        applyHabits(account, time: time, amount: amount, gapSeconds: gapSeconds, into: out)
        cores[account].previousTime = time
        cores[account].previousAmount = amount

        let target = StableHash.hash(transaction.accountTo)
        let landedMinute = applyMinute(account, time: time, amount: amount, mayUpdate: mayUpdateWindows, into: out)
        let landedFive = applyFiveMinutes(
            account, time: time, target: target, sent: transaction.type == .cashIn ? 0 : amount,
            balance: transaction.oldBalanceFrom, mayUpdate: mayUpdateWindows, into: out)
        let landedDay = applyDay(account, time: time, amount: amount, mayUpdate: mayUpdateWindows, into: out)
        out[F.firstCounterparty.rawValue] = rememberCounterparty(account, target) ? 0 : 1
        Self.applyBalances(transaction, into: out)

        if !(landedMinute && landedFive && landedDay) {
            out[F.late.rawValue] = 1
            counters.lateEvents += 1
        }
        counters.transactions += 1
        recordActivity(account, at: time, previousActivity: isNew ? nil : previousActivity)
    }

    static func typeFeature(_ type: TransactionType) -> FeatureSchema.Feature {
        switch type {
        case .payment: .typePayment
        case .transfer: .typeTransfer
        case .cashOut: .typeCashOut
        case .cashIn: .typeCashIn
        case .debit: .typeDebit
        }
    }

    /// Remembers `target` as the account's most recently used counterparty.
    ///
    /// - Returns: Whether it was already remembered.
    mutating func rememberCounterparty(_ account: Int, _ target: UInt64) -> Bool {
        let base = account * counterpartyCapacity
        let count = Int(cores[account].counterpartyCount)
        var position = -1
        for offset in 0..<count where counterparties[base + offset] == target {
            position = offset
            break
        }
        let isKnown = position >= 0
        // Shift the more recent entries down by one (dropping the least recent when full), then put target first.
        var slot = isKnown ? position : min(count, counterpartyCapacity - 1)
        while slot > 0 {
            counterparties[base + slot] = counterparties[base + slot - 1]
            slot -= 1
        }
        counterparties[base] = target
        if !isKnown && count < counterpartyCapacity {
            cores[account].counterpartyCount += 1
        }
        return isKnown
    }

    /// `numerator / denominator` rounded toward negative infinity (`denominator` > 0).
    static func floorDivide(_ numerator: Int64, _ denominator: Int64) -> Int64 {
        let quotient = numerator / denominator
        return numerator % denominator < 0 ? quotient - 1 : quotient
    }
}
