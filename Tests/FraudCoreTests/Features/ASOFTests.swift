import FraudCore
import Testing

/// Point-in-time window reads, out-of-order and late events, worked by hand.
@Suite struct ASOFTests {
    @Test func anOutOfOrderEventReadsItsOwnWindowVersion() throws {
        var engine = try FeatureEngine()
        // 10:00:50 and 10:01:05 are in different minutes; the third event (10:00:55) arrives
        // after 10:01:05 but within the allowed 30 s, so it lands in, and reads, the 10:00 minute.
        _ = engine.process(Examples.transaction(at: 50_000, amount: 10, from: "A", to: "B"))
        let newer = engine.process(Examples.transaction(at: 65_000, amount: 100, from: "A", to: "B"))
        let older = engine.process(Examples.transaction(at: 55_000, amount: 30, from: "A", to: "B"))
        let next = engine.process(Examples.transaction(at: 66_000, amount: 5, from: "A", to: "B"))
        #expect(newer[.minuteCount] == 1)
        #expect(older[.minuteCount] == 2)
        #expect(older[.minuteAmountSum] == 40)
        #expect(older[.fiveMinuteCount] == 3, "the 5-minute window holds all three")
        #expect(older[.late] == 0)
        #expect(older[.secondsSincePrevious] == -10)
        #expect(next[.minuteCount] == 2)
        #expect(next[.minuteAmountSum] == 105)
        #expect(engine.counters.lateEvents == 0)
    }

    @Test func anEventBeyondTheLatenessIsScoredCountedAndChangesNoWindow() throws {
        var engine = try FeatureEngine()
        _ = engine.process(Examples.transaction(at: 10_000, amount: 10, from: "A", to: "B"))
        // Another account moves the partition's watermark to 10:01:20.
        _ = engine.process(Examples.transaction(at: 80_000, amount: 1, from: "Z", to: "B"))
        let late = engine.process(Examples.transaction(at: 20_000, amount: 50, from: "A", to: "C"))
        let after = engine.process(Examples.transaction(at: 70_000, amount: 7, from: "A", to: "B"))
        #expect(late[.late] == 1)
        #expect(late[.minuteCount] == 2, "reads the kept version of its minute plus itself")
        #expect(late[.minuteAmountSum] == 60)
        #expect(late[.fiveMinuteCount] == 2)
        #expect(late[.fiveMinuteDistinctTargets] == 2)
        #expect(late[.firstCounterparty] == 1)
        #expect(after[.minuteCount] == 1)
        #expect(after[.dayCount] == 2, "the late event did not land in the day")
        #expect(after[.previousAmount] == 50, "lag follows processing order, late events included")
        #expect(after[.firstCounterparty] == 0)
        #expect(engine.counters.lateEvents == 1)
    }

    @Test func anEventWhoseWindowIsNoLongerKeptIsLate() throws {
        var configuration = FeatureConfiguration()
        configuration.minuteVersions = 1
        var engine = try FeatureEngine(configuration: configuration)
        _ = engine.process(Examples.transaction(at: 59_000, amount: 10, from: "A", to: "B"))
        _ = engine.process(Examples.transaction(at: 61_000, amount: 20, from: "A", to: "B"))
        // On time (2 s behind), but only the 10:01 minute is kept.
        let old = engine.process(Examples.transaction(at: 59_500, amount: 30, from: "A", to: "B"))
        #expect(old[.late] == 1)
        #expect(old[.minuteCount] == 1)
        #expect(old[.dayCount] == 3)
        #expect(engine.counters.lateEvents == 1)
    }

    @Test func closedDaysFeedTheHistoricalMeans() throws {
        var engine = try FeatureEngine()
        let day: Int64 = 86_400_000
        for (offset, amount) in [(0, 10.0), (1_000, 30.0), (day, 5.0), (2 * day, 1.0), (3 * day, 2.0)] {
            _ = engine.process(Examples.transaction(at: Int64(offset), amount: amount, from: "A", to: "B"))
        }
        let last = engine.process(Examples.transaction(at: 3 * day + 5, amount: 4, from: "A", to: "B"))
        // Closed: day 0 (2 transactions, max 30), day 1 (1, 5), day 2 (1, 1); day 0 was dropped from the kept versions.
        #expect(last[.closedDays] == 3)
        #expect(last[.meanDailyCount] == 4.0 / 3.0)
        #expect(last[.meanDailyMaxAmount] == 36.0 / 3.0)
        #expect(last[.dayCount] == 2)
    }
}
