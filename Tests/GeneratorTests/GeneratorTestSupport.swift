import FraudCore
import Foundation
@testable import Generator

/// A stretch of simulated output, with the truth behind each transaction.
struct SimulatedSample: Sendable {
    var transactions: [(transaction: Transaction, truth: GroundTruth)] = []
    var labels: [Label] = []

    /// Pulls events until `count` transactions came out, then the pending labels.
    init(settings: SimulationSettings, count: Int) {
        var simulator = TransactionSimulator(settings: settings)
        while transactions.count < count {
            switch simulator.next() {
            case .transaction(let transaction, let truth): transactions.append((transaction, truth))
            case .label(let label): labels.append(label)
            }
        }
        labels += simulator.drainLabels()
    }

    /// Transactions of each scenario, in emission order.
    var scenarios: [Int: [(transaction: Transaction, truth: GroundTruth)]] {
        Dictionary(grouping: transactions.filter { $0.truth.scenario != nil }, by: { $0.truth.scenario! })
    }

    /// Scenarios of one behaviour that started at least `margin` before the last transaction,
    /// so that none was cut short by the end of the sample.
    func complete(_ behaviour: SimulatedBehaviour, margin: Int64 = 900_000) -> [[Transaction]] {
        let end = transactions.last!.transaction.timestamp.millisecondsSinceEpoch
        return scenarios.values
            .filter { $0[0].truth.behaviour == behaviour && $0[0].transaction.timestamp.millisecondsSinceEpoch < end - margin }
            .map { $0.map(\.transaction) }
    }
}

/// The default-settings sample of 100,000 transactions most tests read (built once).
let defaultSample: SimulatedSample = {
    var settings = SimulationSettings()
    settings.seed = 2026
    return SimulatedSample(settings: settings, count: 100_000)
}()

/// Amounts in whole cents, to compare balances exactly.
func cents(_ value: Double) -> Int64 {
    Int64((value * 100).rounded())
}

/// A fresh path in the temporary folder.
func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("gen-\(UUID().uuidString)-\(name)").path
}

/// The lines of a text file.
func lines(of path: String) throws -> [String] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
}
