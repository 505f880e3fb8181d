import FraudCore
@testable import Generator
import Testing

@Suite("Balances")
struct BalanceTests {
    @Test("each transaction moves exactly its amount, and every customer's balance carries over between transactions")
    func balancesAreConsistent() {
        var last: [String: Int64] = [:]
        var carriedOver = 0
        for (transaction, _) in defaultSample.transactions {
            let amount = cents(transaction.amount)
            let oldFrom = cents(transaction.oldBalanceFrom)
            let newFrom = cents(transaction.newBalanceFrom)
            #expect(amount > 0, "\(transaction.id) has no amount")
            let expected = transaction.type == .cashIn ? oldFrom + amount : oldFrom - amount
            #expect(newFrom == expected, "\(transaction.id): \(oldFrom) -> \(newFrom) for \(amount)")
            #expect(newFrom >= 0, "\(transaction.id) overdraws \(transaction.accountFrom)")
            if let previous = last[transaction.accountFrom] {
                #expect(previous == oldFrom, "\(transaction.accountFrom) had \(previous), \(transaction.id) says \(oldFrom)")
                carriedOver += 1
            }
            last[transaction.accountFrom] = newFrom

            let oldTo = cents(transaction.oldBalanceTo)
            let newTo = cents(transaction.newBalanceTo)
            if transaction.accountTo.hasPrefix("M") {
                #expect(oldTo == 0 && newTo == 0, "merchant balances are reported as 0 in \(transaction.id)")
            } else {
                #expect(newTo == oldTo + amount, "\(transaction.id): receiver \(oldTo) -> \(newTo) for \(amount)")
                if let previous = last[transaction.accountTo] {
                    #expect(previous == oldTo, "\(transaction.accountTo) had \(previous), \(transaction.id) says \(oldTo)")
                    carriedOver += 1
                }
                last[transaction.accountTo] = newTo
            }
        }
        #expect(carriedOver > 90_000)
    }

    @Test("the five transaction types all occur, amounts are heavy-tailed and activity is skewed")
    func trafficHasVariety() {
        let types = Dictionary(grouping: defaultSample.transactions, by: \.transaction.type).mapValues(\.count)
        #expect(Set(types.keys) == Set(TransactionType.allCases))
        #expect(types[.debit]! > 200)
        let amounts = defaultSample.transactions.map(\.transaction.amount).sorted()
        let median = amounts[amounts.count / 2]
        let p999 = amounts[amounts.count * 999 / 1000]
        #expect(p999 > 20 * median, "the 99.9th percentile \(p999) should dwarf the median \(median)")
        let perAccount = Dictionary(grouping: defaultSample.transactions, by: \.transaction.accountFrom).mapValues(\.count)
        let counts = perAccount.values.sorted(by: >)
        #expect(counts[0] > 20 * counts[counts.count / 2], "busiest \(counts[0]), median \(counts[counts.count / 2])")
    }
}
