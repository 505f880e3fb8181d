import FraudCore
@testable import Generator
import Testing

@Suite("Targeting")
struct TargetingTests {
    /// The population behind ``defaultSample`` (profiles depend only on the settings).
    private var population: Population {
        var settings = SimulationSettings()
        settings.seed = 2026
        return TransactionSimulator(settings: settings).population
    }

    @Test("fraud victims hold more than a customer drawn at random at the same moment, on average and at the median")
    func victimsAreRich() {
        let population = population
        var random = Xoshiro256StarStar(seed: 9)
        var current: [String: Double] = [:]
        var victims: [Double] = []
        var others: [Double] = []
        var started: Set<Int> = []
        for (transaction, truth) in defaultSample.transactions {
            if truth.isFraud, let scenario = truth.scenario, started.insert(scenario).inserted {
                victims.append(transaction.oldBalanceFrom)
                let other = population.customerName(random.index(below: population.customerCount))
                others.append(current[other] ?? Double(population.profile(population.customerIndex(named: other)!).startingBalanceCents) / 100)
            }
            current[transaction.accountFrom] = transaction.newBalanceFrom
            if !transaction.accountTo.hasPrefix("M") { current[transaction.accountTo] = transaction.newBalanceTo }
        }
        #expect(victims.count > 300)
        // The richest of three log-normal balances (σ = 1.2) is about 2.5 times one at the median.
        let victimMedian = victims.sorted()[victims.count / 2]
        let otherMedian = others.sorted()[others.count / 2]
        #expect(mean(victims) > 1.5 * mean(others), "victims \(mean(victims)), others \(mean(others))")
        #expect(victimMedian > 2 * otherMedian, "victims' median \(victimMedian), others' \(otherMedian)")
    }

    @Test("whole-balance purchases spend at most ten times the customer's habitual payment")
    func wholeBalancePurchasesAreSmall() {
        let population = population
        let purchases = defaultSample.transactions.filter { $0.truth.behaviour == .wholeBalancePurchase }.map(\.transaction)
        #expect(purchases.count >= 40)
        for purchase in purchases {
            let habit = population.profile(population.customerIndex(named: purchase.accountFrom)!).habit
            #expect(purchase.amount <= 10 * habit + 0.01, "\(purchase.id): \(purchase.amount) with a habit of \(habit)")
        }
    }

    @Test("ordinary transfers to new payees go mostly to established customers, a fifth to never-seen accounts")
    func newPayees() {
        let population = population
        let transfers = defaultSample.transactions.filter { $0.truth.behaviour == .normal && $0.transaction.type == .transfer }.map(\.transaction)
        var outside = 0
        var strangers = 0
        for transfer in transfers {
            let sender = population.customerIndex(named: transfer.accountFrom)!
            guard let receiver = population.customerIndex(named: transfer.accountTo) else {
                #expect(transfer.oldBalanceTo == 0, "a never-seen payee starts at 0")
                outside += 1
                continue
            }
            if !population.profile(sender).knowsPayee(receiver) { strangers += 1 }
        }
        // Of all transfers: 2 % × 20 % = 0.4 % to never-seen accounts; 13 % random customers
        // plus 2 % × 80 % new established payees (a random customer is rarely a known payee).
        #expect(proportionMatches(outside, of: transfers.count, expected: 0.004), "\(outside) of \(transfers.count) to never-seen accounts")
        #expect(proportionMatches(strangers, of: transfers.count, expected: 0.146), "\(strangers) of \(transfers.count) to customers not paid before")
    }
}
