import FraudCore
import Testing

/// Each fraud pattern of the generator shows the feature signature a model can learn.
@Suite struct FraudPatternFeatureTests {
    /// A week of ordinary payments, so the account has history to stand out from.
    static func ordinaryHistory(of account: String) -> [Transaction] {
        (1...6).map { day in
            Examples.transaction(
                at: -Int64(day) * 86_400_000, amount: 40, from: account, to: "M-grocer", type: .payment,
                oldBalance: 10_000)
        }.reversed()
    }

    static func features(of stream: [Transaction]) throws -> [FeatureVector] {
        var engine = try FeatureEngine()
        return stream.map { engine.process($0) }
    }

    @Test func accountTakeoverIsATinyTransferThenTheRemainderToTheSameNewAccount() throws {
        let stream = Self.ordinaryHistory(of: "C-victim") + [
            Examples.transaction(at: 0, amount: 1, from: "C-victim", to: "C-mule", oldBalance: 10_000),
            Examples.transaction(at: 4_000, amount: 9_999, from: "C-victim", to: "C-mule", oldBalance: 9_999),
        ]
        let vectors = try Self.features(of: stream)
        let probe = vectors[vectors.count - 2]
        let drain = vectors[vectors.count - 1]
        #expect(probe[.firstCounterparty] == 1)
        #expect(probe[.balanceShareMoved] == 0.0001)
        #expect(probe[.balanceEmptied] == 0)
        #expect(probe[.closedDays] == 6)
        #expect(probe[.meanDailyMaxAmount] == 40)

        #expect(drain[.typeTransfer] == 1)
        #expect(drain[.previousAmount] == 1)
        #expect(drain[.secondsSincePrevious] == 4)
        #expect(drain[.firstCounterparty] == 0)
        #expect(drain[.balanceShareMoved] == 1)
        #expect(drain[.balanceEmptied] == 1)
        #expect(drain[.minuteCount] == 2)
        #expect(drain[.minuteAmountSum] == 10_000)
        #expect(drain[.fiveMinuteShareMoved] == 1, "the probe and the drain moved the whole balance")
        #expect(drain[.amountToUsual] > 100, "far above the account's usual amount")
        #expect(drain[.dayMaxAmount] == 9_999)
        #expect(drain[.dayMaxAmount] > 100 * drain[.meanDailyMaxAmount])
    }

    @Test func fanOutEmptiesOneAccountToSeveralAccountsWithinMinutes() throws {
        var balance = 5_000.0
        var stream = Self.ordinaryHistory(of: "C-source")
        for (step, target) in ["C-a", "C-b", "C-c", "C-d"].enumerated() {
            stream.append(Examples.transaction(
                at: Int64(step) * 50_000, amount: 1_250, from: "C-source", to: target,
                type: step.isMultiple(of: 2) ? .transfer : .payment, oldBalance: balance))
            balance -= 1_250
        }
        let fanOut = try Self.features(of: stream).suffix(4)
        #expect(fanOut.map { $0[.fiveMinuteDistinctTargets] } == [1, 2, 3, 4])
        #expect(fanOut.allSatisfy { $0[.firstCounterparty] == 1 })
        #expect(fanOut.map { $0[.balanceEmptied] } == [0, 0, 0, 1])
        #expect(fanOut.map { $0[.dayCount] } == [1, 2, 3, 4])
        #expect(fanOut.last?[.balanceShareMoved] == 1)
        #expect(fanOut.last?[.meanDailyCount] == 1)
        #expect(fanOut.map { $0[.fiveMinuteShareMoved] } == [0.25, 0.5, 0.75, 1], "the share of the opening balance sent so far")
        #expect(fanOut.map { $0[.fiveMinuteCount] } == [1, 2, 3, 4])
        #expect(fanOut.last?[.dayCountToUsual] == 4, "four payments in a day that usually has one")
    }

    @Test(arguments: [TransactionType.payment, .cashOut])
    func cashOutPaysTheWholeBalanceToAMerchantAtOnce(type: TransactionType) throws {
        let stream = Self.ordinaryHistory(of: "C-holder") + [
            Examples.transaction(at: 0, amount: 7_321.5, from: "C-holder", to: "M-shop", type: type, oldBalance: 7_321.5)
        ]
        let cashOut = try #require(try Self.features(of: stream).last)
        #expect(cashOut[type == .payment ? .typePayment : .typeCashOut] == 1)
        #expect(cashOut[.balanceShareMoved] == 1)
        #expect(cashOut[.balanceEmptied] == 1)
        #expect(cashOut[.firstCounterparty] == 1)
        #expect(cashOut[.amount] == 7_321.5)
        #expect(cashOut[.amountToUsual] > 180, "the usual amount is 40")
    }

    @Test func anOrdinaryPaymentShowsNoneOfTheseSignatures() throws {
        let stream = Self.ordinaryHistory(of: "C-normal") + [
            Examples.transaction(at: 0, amount: 40, from: "C-normal", to: "M-grocer", type: .payment, oldBalance: 10_000)
        ]
        let payment = try #require(try Self.features(of: stream).last)
        #expect(payment[.firstCounterparty] == 0)
        #expect(payment[.balanceEmptied] == 0)
        #expect(payment[.balanceShareMoved] == 0.004)
        #expect(payment[.fiveMinuteDistinctTargets] == 1)
        #expect(payment[.secondsSincePrevious] == 86_400)
    }
}
