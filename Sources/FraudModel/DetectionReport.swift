/// Detection measured the way a fraud team reports it: per transaction, per fraud scenario and
/// by value. `evaluate`, `train`, the demo, the dashboard and the `fraud_scenarios` view in
/// PostgreSQL use these definitions (docs/model.md):
///
/// - **Per transaction.** Precision and recall of the flags against the labels; a transaction
///   without a label counts as legitimate.
/// - **Scenario.** The fraud transactions of one account, in event-time order, that share a
///   fraud type and follow each other within ``scenarioGap``. A scenario is *detected* when any
///   of its transactions is flagged (necessarily by its last one), and *detected early* when one
///   before its last transaction is flagged.
/// - **Value detection rate.** The share of the money moved by fraud that is in flagged
///   transactions, or in transactions of an account already flagged earlier (fraud or not).
///
/// Each account's rows are ordered by event time, then by transaction id, so that arrival order
/// does not change the figures.
public struct DetectionReport: Hashable, Codable, Sendable {
    /// One scored transaction, as the measures need it.
    public struct Row: Hashable, Sendable {
        /// The transaction id (orders rows with equal event times).
        public var id: String
        /// The sending account.
        public var account: String
        /// Event time in milliseconds since the epoch.
        public var eventTime: Int64
        /// The amount moved.
        public var amount: Double
        /// Whether the latest label says fraud (`false` without a label).
        public var isFraud: Bool
        /// The labelled fraud type of a fraud row, if any.
        public var fraudType: String?
        /// Whether the model flagged the transaction.
        public var flagged: Bool

        /// Creates a row.
        public init(id: String, account: String, eventTime: Int64, amount: Double, isFraud: Bool, fraudType: String?, flagged: Bool) {
            self.id = id
            self.account = account
            self.eventTime = eventTime
            self.amount = amount
            self.isFraud = isFraud
            self.fraudType = fraudType
            self.flagged = flagged
        }
    }

    /// Scenario and value figures of one fraud type (or of all, under ``all``).
    public struct Scenarios: Hashable, Codable, Sendable {
        /// The fraud type, or `all`.
        public var name: String
        /// Scenarios found.
        public var scenarios = 0
        /// Scenarios with a flagged transaction.
        public var detected = 0
        /// Scenarios with a flagged transaction before their last one.
        public var detectedEarly = 0
        /// Scenarios of more than one transaction (the only ones that can be detected early).
        public var multiTransaction = 0
        /// Money moved by the scenarios' transactions.
        public var amount = 0.0
        /// Of ``amount``, what was flagged or moved by an already-flagged account.
        public var amountCaught = 0.0

        /// Creates empty figures for `name`.
        public init(name: String) {
            self.name = name
        }

        /// ``detected`` over ``scenarios``; `nil` without scenarios.
        public var detectionRate: Double? {
            scenarios == 0 ? nil : Double(detected) / Double(scenarios)
        }

        /// ``detectedEarly`` over ``multiTransaction``; `nil` without such scenarios.
        public var earlyDetectionRate: Double? {
            multiTransaction == 0 ? nil : Double(detectedEarly) / Double(multiTransaction)
        }

        /// ``amountCaught`` over ``amount``; `nil` when no money moved.
        public var valueDetectionRate: Double? {
            amount > 0 ? amountCaught / amount : nil
        }

        enum CodingKeys: String, CodingKey {
            case name, scenarios, detected, detectedEarly = "detected_early", multiTransaction = "multi_transaction"
            case amount, amountCaught = "amount_caught"
        }
    }

    /// The longest pause, in milliseconds, between two fraud transactions of one scenario: 30 minutes.
    public static let scenarioGap: Int64 = 30 * 60 * 1000

    /// Per-transaction counts; unlabelled rows are legitimate.
    public var confusionMatrix: ConfusionMatrix
    /// Scenario and value figures over all fraud types.
    public var all: Scenarios
    /// The same per fraud type (untyped fraud under `unknown`), by name.
    public var byType: [Scenarios]

    /// Figures counted elsewhere, such as by the `fraud_scenarios` view in PostgreSQL.
    public init(confusionMatrix: ConfusionMatrix, all: Scenarios, byType: [Scenarios]) {
        self.confusionMatrix = confusionMatrix
        self.all = all
        self.byType = byType.sorted { $0.name < $1.name }
    }

    /// Measures `rows`, in any order.
    public init(rows: [Row]) {
        var tp = 0, fp = 0, tn = 0, fn = 0
        for row in rows {
            switch (row.flagged, row.isFraud) {
            case (true, true): tp += 1
            case (true, false): fp += 1
            case (false, false): tn += 1
            case (false, true): fn += 1
            }
        }
        confusionMatrix = ConfusionMatrix(truePositives: tp, falsePositives: fp, trueNegatives: tn, falseNegatives: fn)

        var all = Scenarios(name: "all")
        var byType: [String: Scenarios] = [:]
        var byAccount: [String: [Int]] = [:]
        for (index, row) in rows.enumerated() where row.isFraud {
            byAccount[row.account, default: []].append(index)
        }
        // Accounts with fraud need all their rows: an earlier flag on a legitimate row counts.
        var accountRows: [String: [Int]] = [:]
        for (index, row) in rows.enumerated() where byAccount[row.account] != nil {
            accountRows[row.account, default: []].append(index)
        }
        // Accounts in name order, so that sums of amounts come out the same in every process.
        for account in accountRows.keys.sorted() {
            let ordered = accountRows[account]!.sorted { Self.precedes(rows[$0], rows[$1]) }
            var accountFlagged = false
            var current: (type: String, last: Int64, figures: Scenarios, lastFlagged: Bool)?
            func close() {
                guard var figures = current?.figures, let lastFlagged = current?.lastFlagged else { return }
                figures.detected = figures.detected > 0 || lastFlagged ? 1 : 0
                figures.scenarios = 1
                all.add(figures)
                byType[figures.name, default: Scenarios(name: figures.name)].add(figures)
                current = nil
            }
            for index in ordered {
                let row = rows[index]
                if row.isFraud {
                    let type = row.fraudType ?? "unknown"
                    if let open = current, open.type != type || row.eventTime - open.last > Self.scenarioGap {
                        close()
                    }
                    var figures = current?.figures ?? Scenarios(name: type)
                    if current != nil {
                        // The previous fraud row was not the last: a flag on it is early.
                        if current!.lastFlagged { figures.detectedEarly = 1; figures.detected = 1 }
                        figures.multiTransaction = 1
                    }
                    figures.amount += row.amount
                    if row.flagged || accountFlagged { figures.amountCaught += row.amount }
                    current = (type, row.eventTime, figures, row.flagged)
                }
                accountFlagged = accountFlagged || row.flagged
            }
            close()
        }
        self.all = all
        self.byType = byType.values.sorted { $0.name < $1.name }
    }

    /// Event time, then transaction id.
    static func precedes(_ a: Row, _ b: Row) -> Bool {
        a.eventTime != b.eventTime ? a.eventTime < b.eventTime : a.id.utf8.lexicographicallyPrecedes(b.id.utf8)
    }

    enum CodingKeys: String, CodingKey {
        case confusionMatrix = "confusion_matrix", all, byType = "by_type"
    }
}

extension DetectionReport.Scenarios {
    /// Adds another set of figures to these (the name stays).
    public mutating func add(_ other: Self) {
        scenarios += other.scenarios
        detected += other.detected
        detectedEarly += other.detectedEarly
        multiTransaction += other.multiTransaction
        amount += other.amount
        amountCaught += other.amountCaught
    }
}
