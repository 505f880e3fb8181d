import FraudCore
@testable import Generator
import Testing

@Suite("Look-alikes")
struct LookAlikeTests {
    @Test("legitimate whole-balance purchases have exactly the cash-out shape")
    func wholeBalancePurchases() {
        let scenarios = defaultSample.complete(.wholeBalancePurchase)
        #expect(scenarios.count >= 20)
        for steps in scenarios {
            let payment = steps[0]
            #expect(payment.type == .payment || payment.type == .cashOut)
            #expect(payment.accountTo.hasPrefix("M") && payment.newBalanceFrom == 0 && payment.amount == payment.oldBalanceFrom)
        }
    }

    @Test("family transfers go to three or more people within minutes, some emptying the account")
    func familyTransfers() {
        let scenarios = defaultSample.complete(.familyTransfers)
        #expect(scenarios.count >= 20)
        var emptied = 0
        for steps in scenarios {
            #expect(steps.allSatisfy { $0.type == .transfer })
            #expect(Set(steps.map(\.accountTo)).count >= 3)
            if steps.last!.newBalanceFrom == 0 { emptied += 1 }
        }
        #expect(emptied >= 5, "only \(emptied) family scenarios emptied the account")
    }

    @Test("test-then-payee: a tiny transfer to a new account, then a real one to the same account")
    func testThenPayee() {
        let scenarios = defaultSample.complete(.testThenPayee)
        #expect(scenarios.count >= 20)
        for steps in scenarios {
            #expect(steps.count == 2)
            #expect(steps[0].amount <= 5 && steps[0].oldBalanceTo == 0)
            #expect(steps[0].accountTo == steps[1].accountTo)
        }
        #expect(scenarios.contains { $0[1].newBalanceFrom == 0 }, "some real transfers send the whole remainder")
    }

    @Test("look-alikes are legitimate and are about 0.5 % of transactions")
    func lookAlikeShare() {
        let alike = defaultSample.transactions.filter { $0.truth.behaviour.resembles != nil && !$0.truth.isFraud }
        let share = Double(alike.count) / Double(defaultSample.transactions.count)
        #expect(abs(share - 0.005) < 0.0015, "look-alike share \(share)")
        let fraudIDs = Set(defaultSample.labels.filter(\.isFraud).map(\.id))
        let latest = Dictionary(defaultSample.labels.map { ($0.id, $0) }, uniquingKeysWith: { _, later in later })
        #expect(alike.allSatisfy { latest[$0.transaction.id].map { !$0.isFraud } ?? true })
        #expect(!fraudIDs.isEmpty)
    }
}
