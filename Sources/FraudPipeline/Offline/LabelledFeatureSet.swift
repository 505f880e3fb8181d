import FraudCore
import FraudModel

/// Feature vectors joined to their transactions' latest labels: what training and evaluation
/// read.
///
/// Built by replaying transactions through the live feature engine (``FeatureReplay``), so a
/// model is trained on exactly the features the worker computes, or read from the features the
/// worker stored with its scored rows (``LabelledFeatureQuery``).
public struct LabelledFeatureSet: Sendable {
    /// Transaction ids, one per row.
    public var ids: [String] = []
    /// Sending accounts, one per row (scenario and value measures group by them).
    public var accounts: [String] = []
    /// Amounts moved, one per row.
    public var amounts: [Double] = []
    /// Event times in milliseconds since the epoch, one per row.
    public var eventTimes: [Int64] = []
    /// Feature values, row-major, ``featureCount`` per row.
    public var values: [Double] = []
    /// Whether each row's transaction is fraud.
    public var labels: [Bool] = []
    /// The labelled fraud type of each fraud row (`nil` for legitimate rows or an untyped label).
    public var fraudTypes: [String?] = []
    /// Rows whose transaction had no label (counted as legitimate, or left out).
    public var unlabelled = 0
    /// What the replay did (all zero when the set was read from the database).
    public var replay = FeatureReplay.Summary()

    /// An empty set, to fill row by row.
    public init() {}

    /// Features per row.
    public var featureCount: Int { FeatureSchema.current.width }
    /// Rows in the set.
    public var count: Int { labels.count }

    /// Replays `transactionsPath` and joins each transaction to its latest label in
    /// `labelsPath`.
    ///
    /// - Parameters:
    ///   - unlabelledAreLegitimate: count transactions without a label as not fraud (the
    ///     generator labels every fraud, and in practice most fraud is eventually reported);
    ///     when false they are left out.
    ///   - onRejected: told the line number and reason of every line that is not a transaction.
    /// - Throws: ``OfflineInputError`` for unreadable files or malformed labels.
    public static func build(
        transactionsPath: String,
        labelsPath: String,
        replay: FeatureReplay = FeatureReplay(),
        unlabelledAreLegitimate: Bool = true,
        onRejected: (Int, WireDecodingError) -> Void = { _, _ in }
    ) throws -> LabelledFeatureSet {
        let labels = try LabelFile.latestLabels(path: labelsPath)
        var set = LabelledFeatureSet()
        set.replay = try replay.run(path: transactionsPath, onRejected: onRejected) { transaction, vector in
            let label = labels[transaction.id]
            if label == nil {
                set.unlabelled += 1
                guard unlabelledAreLegitimate else { return }
            }
            set.ids.append(transaction.id)
            set.eventTimes.append(transaction.timestamp.millisecondsSinceEpoch)
            set.accounts.append(transaction.accountFrom)
            set.amounts.append(transaction.amount)
            vector.withUnsafeBufferPointer { set.values.append(contentsOf: $0) }
            let isFraud = label?.isFraud ?? false
            set.labels.append(isFraud)
            set.fraudTypes.append(isFraud ? label?.fraudType : nil)
        }
        return set
    }

    /// The scenario and value measures of `flags` (one per row) on this set.
    public func detection(flags: [Bool]) -> DetectionReport {
        precondition(flags.count == count, "\(flags.count) flags for \(count) rows")
        return DetectionReport(rows: flags.indices.map { row in
            DetectionReport.Row(
                id: ids[row], account: accounts[row], eventTime: eventTimes[row], amount: amounts[row],
                isFraud: labels[row], fraudType: fraudTypes[row], flagged: flags[row])
        })
    }

    /// Appends the rows of `other` (another stream's rows follow this one's).
    public mutating func append(_ other: LabelledFeatureSet) {
        ids += other.ids
        accounts += other.accounts
        amounts += other.amounts
        eventTimes += other.eventTimes
        values += other.values
        labels += other.labels
        fraudTypes += other.fraudTypes
        unlabelled += other.unlabelled
    }

    /// The rows at `indices`, in that order.
    public func subset(_ indices: [Int]) -> LabelledFeatureSet {
        var subset = LabelledFeatureSet()
        subset.replay = replay
        subset.values.reserveCapacity(indices.count * featureCount)
        for index in indices {
            subset.ids.append(ids[index])
            subset.eventTimes.append(eventTimes[index])
            subset.accounts.append(accounts[index])
            subset.amounts.append(amounts[index])
            subset.values.append(contentsOf: values[(index * featureCount)..<((index + 1) * featureCount)])
            subset.labels.append(labels[index])
            subset.fraudTypes.append(fraudTypes[index])
        }
        return subset
    }
}
