@testable import FraudCore
import Testing

/// The features relative to an account's own habits and the features of both sides'
/// balances, worked by hand (docs/features.md states each rule).
@Suite struct HabitAndBalanceFeatureTests {
    static let hour: Int64 = 3_600_000

    @Test func habitsAreRunningMeansOfAmountGapAndTimeOfDayBeforeThisTransaction() throws {
        var engine = try FeatureEngine()
        // Noon on three days (the examples start at 10:00), 100 then 200 then 300.
        let day: Int64 = 86_400_000
        let first = engine.process(Examples.transaction(at: 2 * Self.hour, amount: 100, from: "A", to: "B"))
        let second = engine.process(Examples.transaction(at: day + 2 * Self.hour, amount: 200, from: "A", to: "B"))
        let third = engine.process(Examples.transaction(at: 2 * day + 2 * Self.hour, amount: 300, from: "A", to: "B"))
        // Midnight a day and a half later: twelve hours from the usual time of day.
        let night = engine.process(Examples.transaction(at: 3 * day + 14 * Self.hour, amount: 1_500, from: "A", to: "B"))

        #expect(first[.historyCount] == 0 && first[.amountToUsual] == 0 && first[.hourUnusualness] == 0)
        #expect(second[.historyCount] == 1)
        #expect(second[.amountToUsual] == 2, "200 against the one earlier amount, 100")
        #expect(second[.amountDeviation] == 0, "needs two earlier transactions")
        #expect(second[.hourUnusualness] == 0, "same time of day")
        // Before the third: usual amount (100 + 200) / 2 = 150, usual deviation |200 - 100| / 2 = 50.
        #expect(third[.amountToUsual] == 2)
        #expect(third[.amountDeviation] == 3, "(300 - 150) / 50")
        #expect(third[.gapToUsual] == 1, "a day after, as usual")
        // Before the night one: usual amount 200, deviation (50 + (150 - 50) / 3) = 83.33…,
        // time of day noon, i.e. (1, 0) on the diamond; midnight is (-1, 0).
        #expect(night[.historyCount] == 3)
        #expect(night[.amountToUsual] == 7.5)
        #expect(abs(night[.amountDeviation] - 1_300 / (50 + 100.0 / 3)) < 1e-3, "deviation is kept in single precision")
        #expect(night[.hourUnusualness] == 2)
        #expect(night[.gapToUsual] == 1.5, "36 hours against a usual day")
    }

    @Test func balanceErrorsSayWhetherEachSideAgreesWithTheAmount() throws {
        var engine = try FeatureEngine()
        var consistent = Examples.transaction(at: 0, amount: 25.5, from: "A", to: "C", type: .transfer, oldBalance: 100)
        consistent.oldBalanceTo = 10
        consistent.newBalanceTo = 35.5
        let agreed = engine.process(consistent)
        #expect(agreed[.senderBalanceError] == 0)
        #expect(agreed[.receiverBalanceKnown] == 1)
        #expect(agreed[.receiverBalanceError] == 0)
        #expect(agreed[.receiverOldBalance] == 10)
        #expect(agreed[.receiverWasEmpty] == 0)

        var skewed = Examples.transaction(at: 1_000, amount: 40, from: "D", to: "E", type: .transfer, oldBalance: 100)
        skewed.newBalanceFrom = 100  // the sender's balance did not move
        skewed.oldBalanceTo = 0
        skewed.newBalanceTo = 0  // nor the receiver's: reported as unknown
        let disagreed = engine.process(skewed)
        #expect(disagreed[.senderBalanceError] == -40)
        #expect(disagreed[.receiverBalanceKnown] == 0)
        #expect(disagreed[.receiverBalanceError] == 0)

        var toEmpty = Examples.transaction(at: 2_000, amount: 3, from: "F", to: "G", type: .transfer, oldBalance: 3)
        toEmpty.oldBalanceTo = 0
        toEmpty.newBalanceTo = 3
        #expect(engine.process(toEmpty)[.receiverWasEmpty] == 1)

        var deposit = Examples.transaction(at: 3_000, amount: 50, from: "H", to: "M", type: .cashIn, oldBalance: 10)
        deposit.newBalanceFrom = 60
        #expect(engine.process(deposit)[.senderBalanceError] == 0, "CASH_IN credits the sender")
    }
}

/// The per-account state docs/features.md accounts for, by layout.
@Suite struct AccountStateLayoutTests {
    @Test func perAccountStateKeepsItsStatedSizes() {
        #expect(MemoryLayout<AccountCore>.stride == 64)
        #expect(MemoryLayout<MinuteVersion>.stride == 24)
        #expect(MemoryLayout<FiveMinuteVersion>.stride == 24)
        #expect(MemoryLayout<DayVersion>.stride == 16)
        let configuration = FeatureConfiguration()
        let bytes = MemoryLayout<AccountCore>.stride
            + configuration.minuteVersions * MemoryLayout<MinuteVersion>.stride
            + configuration.fiveMinuteVersions * MemoryLayout<FiveMinuteVersion>.stride
            + configuration.dayVersions * MemoryLayout<DayVersion>.stride
            + MemoryLayout<String>.stride + 42 + MemoryLayout<Int32>.stride  // id, index entry, sweep entry
        #expect(bytes <= 256)
    }
}
