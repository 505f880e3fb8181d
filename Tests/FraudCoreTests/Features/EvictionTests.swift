import Testing

@testable import FraudCore

/// Idle accounts are evicted, so memory follows active accounts, not all accounts ever seen.
@Suite struct EvictionTests {
    @Test func residentAccountsStayBoundedOverAMillionAccounts() throws {
        var configuration = FeatureConfiguration()
        configuration.idleTimeToLive = .seconds(600)
        var engine = try FeatureEngine(configuration: configuration)
        let accounts = 1_000_000
        // One new account every 60 ms of event time, each with one transaction: a time to live of
        // 600 s covers 10,000 accounts, plus at most one sweep bucket (TTL / 32) not yet swept.
        let spacing: Int64 = 60
        let covered = Int(600_000 / spacing)
        var transaction = Examples.transaction(at: 0, amount: 10, from: "", to: "M1")
        var maxResident = 0
        for account in 0..<accounts {
            transaction.accountFrom = "C\(account)"
            transaction.timestamp = EventTime(millisecondsSinceEpoch: Examples.base + Int64(account) * spacing)
            _ = engine.process(transaction)
            maxResident = max(maxResident, engine.counters.residentAccounts)
        }
        #expect(maxResident >= covered)
        #expect(maxResident <= covered + covered / 32 + 2)
        #expect(engine.counters.evictions == UInt64(accounts - engine.counters.residentAccounts))
        // Storage is reused: the arrays never grew past the peak of resident accounts.
        #expect(engine.cores.count == maxResident)
        #expect(engine.accountIndex.count == engine.counters.residentAccounts)
    }

    @Test func anAccountIdleLongerThanTheTimeToLiveStartsAfresh() throws {
        var configuration = FeatureConfiguration()
        configuration.idleTimeToLive = .seconds(3600)
        var engine = try FeatureEngine(configuration: configuration)
        _ = engine.process(Examples.transaction(at: 0, amount: 50, from: "A", to: "B"))
        _ = engine.process(Examples.transaction(at: 3_600_001, amount: 1, from: "Other", to: "B"))
        #expect(engine.counters.evictions == 0, "not yet swept: its bucket is not due")
        let again = engine.process(Examples.transaction(at: 3_600_002, amount: 70, from: "A", to: "B"))
        #expect(again[.hasPrevious] == 0)
        #expect(again[.firstCounterparty] == 1)
        #expect(again[.dayCount] == 1)
        #expect(again[.historyCount] == 0 && again[.amountToUsual] == 0, "the habits start afresh too")
        #expect(engine.counters.evictions == 1)

        var kept = try FeatureEngine(configuration: configuration)
        _ = kept.process(Examples.transaction(at: 0, amount: 50, from: "A", to: "B"))
        let within = kept.process(Examples.transaction(at: 3_600_000, amount: 70, from: "A", to: "B"))
        #expect(within[.hasPrevious] == 1)
        #expect(within[.previousAmount] == 50)
        #expect(within[.secondsSincePrevious] == 3600)
    }

    @Test func aSweepEvictsIdleAccountsWithoutTheirBeingSeenAgain() throws {
        var configuration = FeatureConfiguration()
        configuration.idleTimeToLive = .seconds(3200)
        var engine = try FeatureEngine(configuration: configuration)
        for account in 0..<100 {
            _ = engine.process(Examples.transaction(at: Int64(account), amount: 1, from: "C\(account)", to: "M"))
        }
        #expect(engine.counters.residentAccounts == 100)
        // One TTL plus one bucket (TTL / 32 = 100 s) later, every bucket they sit in is due.
        _ = engine.process(Examples.transaction(at: 3_400_000, amount: 1, from: "Late", to: "M"))
        #expect(engine.counters.residentAccounts == 1)
        #expect(engine.counters.evictions == 100)
    }
}
