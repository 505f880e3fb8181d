#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FraudCore

/// Replays a CSV file in the PaySim (Kaggle) layout as transactions and labels.
///
/// Step *h* (hours since the start of the simulation, from 1) maps to the hour starting at
/// `start + (h - 1) hours`; the rows of one step are spread evenly over that hour in file
/// order, so event times never decrease. Transactions are named `ps-<line number>`. Every
/// fraud row is labelled (fraud type `paysim`), and a seeded share of the other rows is
/// labelled not fraud, each label about `labelDelay` after its transaction.
///
/// - Important: Reads the file with blocking calls; a ``GeneratorRun`` calls it on its own
///   thread. Rows must be sorted by step, as in the PaySim file.
public struct PaySimReplay: GeneratorEventSource {
    private let path: String
    private let reader: LineReader
    private let start: Int64
    private let labelShare: Double
    private let labelDelayMilliseconds: Double
    private var random: Xoshiro256StarStar
    private var lineNumber = 0
    private var lookahead: (row: PaySimRow, line: Int)?
    private var currentStep = 0
    private var queue = TimedHeap<Emission>()
    private var loadedUntil = Int64.min
    private var emittedTransactions: UInt64 = 0
    private var queuedTransactions: UInt64 = 0
    private var exhausted = false

    /// Opens a file for replay.
    ///
    /// - Parameters:
    ///   - path: The CSV file; a first line starting with `step,` is taken as the header.
    ///   - start: The event time of the start of step 1.
    ///   - labelShare: The share of legitimate rows that get a not-fraud label.
    ///   - labelDelay: The typical delay of a label after its transaction.
    ///   - seed: Seeds the choice of labelled rows and label delays.
    /// - Throws: ``GeneratorError`` when the file cannot be opened.
    public init(path: String, start: EventTime, labelShare: Double = 0.1, labelDelay: Duration = .seconds(300), seed: UInt64 = 42) throws(GeneratorError) {
        guard let reader = LineReader(path: path) else {
            throw GeneratorError("--replay: cannot open \(path): \(String(cString: strerror(errno))); give the path of a PaySim CSV file")
        }
        self.path = path
        self.reader = reader
        self.start = start.millisecondsSinceEpoch
        self.labelShare = labelShare
        labelDelayMilliseconds = Double(labelDelay.inMilliseconds)
        random = Xoshiro256StarStar(seed: seed)
    }

    /// The next transaction or label, in event-time order; `nil` at the end of the file.
    ///
    /// - Throws: ``PaySimReplayError`` for a malformed line, naming line, column and expectation.
    public mutating func nextEvent() throws -> SimulatedEvent? {
        while true {
            if let due = queue.minimumTime, due < loadedUntil || exhausted, let (_, emission) = queue.popMinimum() {
                switch emission {
                case .transaction(let transaction, let truth, _):
                    emittedTransactions += 1
                    return .transaction(transaction, truth)
                case .label(let label, _):
                    return .label(label)
                }
            }
            if exhausted { return nil }
            try loadNextStep()
        }
    }

    /// Labels still queued whose transactions were returned.
    public mutating func drainLabels() -> [Label] {
        var labels: [Label] = []
        while let (_, emission) = queue.popMinimum() {
            if case .label(let label, let sequence) = emission, sequence < emittedTransactions { labels.append(label) }
        }
        return labels
    }

    /// Reads all rows of the next step and queues them with their labels.
    private mutating func loadNextStep() throws(PaySimReplayError) {
        var rows: [(row: PaySimRow, line: Int)] = []
        if let lookahead { rows.append(lookahead) }
        lookahead = nil
        while let line = reader.nextLine() {
            lineNumber += 1
            if line.isEmpty || (lineNumber == 1 && line.hasPrefix("step,")) { continue }
            let row = try PaySimRow(line[...], number: lineNumber, path: path)
            if let first = rows.first, row.step != first.row.step {
                guard row.step > first.row.step else {
                    throw PaySimReplayError(
                        path: path, line: lineNumber, column: 1, columnName: "step",
                        problem: "step \(row.step) comes after step \(first.row.step); rows must be sorted by step as in the PaySim file")
                }
                lookahead = (row, lineNumber)
                break
            }
            rows.append((row, lineNumber))
        }
        guard let step = rows.first?.row.step else {
            exhausted = true
            return
        }
        let hourStart = start + Int64(step - 1) * 3_600_000
        for (index, entry) in rows.enumerated() {
            let time = hourStart + Int64(index) * 3_600_000 / Int64(rows.count)
            enqueue(entry.row, line: entry.line, at: time)
        }
        loadedUntil = hourStart + 3_600_000
        if lookahead == nil { exhausted = reader.isAtEnd }
    }

    private mutating func enqueue(_ row: PaySimRow, line: Int, at time: Int64) {
        let sequence = queuedTransactions
        queuedTransactions += 1
        let transaction = Transaction(
            id: "ps-" + String(line), timestamp: EventTime(millisecondsSinceEpoch: time), type: row.type, amount: row.amount,
            accountFrom: row.nameOrig, oldBalanceFrom: row.oldBalanceOrig, newBalanceFrom: row.newBalanceOrig,
            accountTo: row.nameDest, oldBalanceTo: row.oldBalanceDest, newBalanceTo: row.newBalanceDest)
        let truth = GroundTruth(behaviour: row.isFraud ? .replayedFraud : .normal)
        queue.insert(.transaction(transaction, truth, sequence: sequence), at: time)
        guard row.isFraud || random.chance(labelShare) else { return }
        let labeledAt = time + Int64((labelDelayMilliseconds * random.uniform(0.5, 1.5)).rounded())
        let label = Label(id: transaction.id, isFraud: row.isFraud, fraudType: row.isFraud ? "paysim" : nil,
                          labeledAt: EventTime(millisecondsSinceEpoch: labeledAt))
        queue.insert(.label(label, transactionSequence: sequence), at: labeledAt)
    }
}
