import FraudCore
@testable import Generator
import Testing

@Suite("Labels")
struct LabelTests {
    private var byID: [String: [Label]] { Dictionary(grouping: defaultSample.labels, by: \.id) }

    @Test("every fraud transaction ends up labelled fraud with its pattern")
    func fraudIsLabelled() {
        let labels = byID
        let fraud = defaultSample.transactions.filter(\.truth.isFraud)
        #expect(fraud.count > 500)
        for (transaction, truth) in fraud {
            let latest = labels[transaction.id]?.last
            #expect(latest?.isFraud == true && latest?.fraudType == truth.behaviour.rawValue, "\(transaction.id): \(String(describing: latest))")
        }
    }

    @Test("about 10 % of legitimate transactions are labelled not fraud")
    func legitimateShare() {
        let labels = byID
        let legitimate = defaultSample.transactions.filter { !$0.truth.isFraud }
        let labelled = legitimate.filter { labels[$0.transaction.id] != nil }
        let share = Double(labelled.count) / Double(legitimate.count)
        #expect(abs(share - 0.10) < 0.01, "labelled share \(share)")
        #expect(labelled.allSatisfy { labels[$0.transaction.id]!.last!.isFraud == false })
    }

    @Test("corrections flip an earlier label, later, so the latest label wins")
    func corrections() {
        let corrected = byID.filter { $0.value.count > 1 }
        let labelled = byID.count
        let share = Double(corrected.count) / Double(labelled)
        #expect(abs(share - 0.05) < 0.015, "corrected share \(share)")
        #expect(corrected.values.contains { $0.first!.isFraud == false && $0.last!.isFraud }, "a fraud first cleared then corrected")
        #expect(corrected.values.contains { $0.first!.isFraud && $0.last!.isFraud == false }, "a false alarm later cleared")
        for labels in corrected.values {
            #expect(labels.count == 2)
            #expect(labels[0].isFraud != labels[1].isFraud)
            #expect(labels[1].labeledAt.millisecondsSinceEpoch - labels[0].labeledAt.millisecondsSinceEpoch >= 60_000)
        }
    }

    @Test("labels come after their transactions by about the configured delay, and are emitted in labeled_at order")
    func delayIsHonoured() {
        var settings = SimulationSettings()
        settings.seed = 11
        settings.labelDelay = .seconds(600)
        settings.accounts = Int(SimulationSettings.accounts(forEventsPerSecond: 5))
        var simulator = TransactionSimulator(settings: settings)
        var times: [String: Int64] = [:]
        var labels: [(label: Label, transactionTime: Int64)] = []
        var lastLabelTime = Int64.min
        var lastTransactionTime = Int64.min
        for _ in 0..<40_000 {
            switch simulator.next() {
            case .transaction(let transaction, _):
                let time = transaction.timestamp.millisecondsSinceEpoch
                times[transaction.id] = time
                #expect(time >= lastLabelTime, "a label came out ahead of the stream's time")
                lastTransactionTime = time
            case .label(let label):
                let labeledAt = label.labeledAt.millisecondsSinceEpoch
                #expect(labeledAt >= lastLabelTime && labeledAt >= lastTransactionTime)
                lastLabelTime = labeledAt
                guard let time = times[label.id] else {
                    Issue.record("label \(label.id) came before its transaction")
                    continue
                }
                labels.append((label, time))
            }
        }
        // Only transactions old enough that all their labels (first one at most 15 minutes,
        // a correction at most 20 more) have come out, so long delays are not under-counted.
        let settled = labels.filter { $0.transactionTime < lastTransactionTime - 2_400_000 }
        let firstDelays = Dictionary(settled.map { ($0.label.id, $0.label.labeledAt.millisecondsSinceEpoch - $0.transactionTime) }, uniquingKeysWith: min)
        #expect(firstDelays.count > 1000)
        #expect(firstDelays.values.allSatisfy { $0 >= 300_000 && $0 <= 900_000 })
        let mean = Double(firstDelays.values.reduce(0, +)) / Double(firstDelays.count)
        #expect(abs(mean - 600_000) < 20_000, "mean delay \(mean) ms")
    }
}
