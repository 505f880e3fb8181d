import FraudCore
@testable import Generator
import Testing

@Suite("Fraud patterns")
struct FraudPatternTests {
    @Test("fraud makes up the configured 1 % of transactions, in all three patterns")
    func fraudRate() {
        let total = defaultSample.transactions.count
        let fraud = defaultSample.transactions.filter(\.truth.isFraud)
        let share = Double(fraud.count) / Double(total)
        #expect(abs(share - 0.01) < 0.0015, "fraud share \(share)")
        let scenarios = Dictionary(grouping: fraud, by: { $0.truth.behaviour }).mapValues { Set($0.map { $0.truth.scenario! }).count }
        let all = Double(scenarios.values.reduce(0, +))
        #expect(abs(Double(scenarios[.accountTakeover] ?? 0) / all - 0.4) < 0.08)
        #expect(abs(Double(scenarios[.fanOut] ?? 0) / all - 0.3) < 0.08)
        #expect(abs(Double(scenarios[.cashOut] ?? 0) / all - 0.3) < 0.08)
    }

    @Test("a higher --fraud-rate gives proportionally more fraud")
    func configuredRate() {
        var settings = SimulationSettings()
        settings.seed = 3
        settings.fraudRate = 0.05
        let sample = SimulatedSample(settings: settings, count: 40_000)
        let share = Double(sample.transactions.filter(\.truth.isFraud).count) / Double(sample.transactions.count)
        #expect(abs(share - 0.05) < 0.006, "fraud share \(share)")
    }

    @Test("account takeover: a tiny transfer to a never-seen account, then within seconds the rest of the balance to it")
    func accountTakeoverShape() {
        let firstSeen = firstAppearance()
        let scenarios = defaultSample.complete(.accountTakeover)
        #expect(scenarios.count > 100)
        for steps in scenarios {
            #expect(steps.count == 2)
            guard steps.count == 2 else { continue }
            let (probe, rest) = (steps[0], steps[1])
            #expect(probe.type == .transfer && rest.type == .transfer)
            #expect(probe.amount <= 5 && probe.amount > 0)
            #expect(probe.accountTo == rest.accountTo && probe.accountFrom == rest.accountFrom)
            #expect(probe.oldBalanceTo == 0 && firstSeen[probe.accountTo] == probe.id, "\(probe.accountTo) was seen before")
            let gap = rest.timestamp.millisecondsSinceEpoch - probe.timestamp.millisecondsSinceEpoch
            #expect(gap >= 2_000 && gap <= 30_000)
            #expect(rest.newBalanceFrom == 0 && rest.amount == rest.oldBalanceFrom)
        }
    }

    @Test("fan-out: at least three different receivers within minutes, emptying the account")
    func fanOutShape() {
        let scenarios = defaultSample.complete(.fanOut)
        #expect(scenarios.count > 60)
        for steps in scenarios {
            #expect(steps.count >= 3 && steps.count <= 6)
            #expect(Set(steps.map(\.accountFrom)).count == 1)
            #expect(Set(steps.map(\.accountTo)).count >= 3)
            #expect(steps.allSatisfy { $0.type == .transfer || $0.type == .payment })
            let span = steps.last!.timestamp.millisecondsSinceEpoch - steps[0].timestamp.millisecondsSinceEpoch
            #expect(span <= 5 * 90_000)
            #expect(steps.last!.newBalanceFrom == 0)
        }
    }

    @Test("cash-out: the whole balance to a merchant in one PAYMENT or CASH_OUT")
    func cashOutShape() {
        let scenarios = defaultSample.complete(.cashOut)
        #expect(scenarios.count > 60)
        for steps in scenarios {
            #expect(steps.count == 1)
            let payment = steps[0]
            #expect(payment.type == .payment || payment.type == .cashOut)
            #expect(payment.accountTo.hasPrefix("M"))
            #expect(payment.amount == payment.oldBalanceFrom && payment.newBalanceFrom == 0 && payment.amount >= 100)
        }
    }

    /// The id of the first transaction naming each account, as sender or receiver.
    private func firstAppearance() -> [String: String] {
        var first: [String: String] = [:]
        for (transaction, _) in defaultSample.transactions {
            if first[transaction.accountFrom] == nil { first[transaction.accountFrom] = transaction.id }
            if first[transaction.accountTo] == nil { first[transaction.accountTo] = transaction.id }
        }
        return first
    }
}
