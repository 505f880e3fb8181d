import FraudCore
import Foundation
@testable import Generator
import Testing

@Suite("Population")
struct PopulationTests {
    @Test("the mean daily pace is that of a log-normal with median 4 and σ 1 clamped to [0.2, 300]: 6.594")
    func meanPace() {
        #expect(abs(SimulationSettings.meanPaymentsPerDay - 6.594) < 0.0005, "\(SimulationSettings.meanPaymentsPerDay)")
        #expect(abs(SimulationSettings.naturalEventsPerSecond(accounts: 10_000) - 0.7632) < 0.0001)
        // The classes of a population hold their share of its accounts, and the busiest pay 300 a day at most.
        let classes = PaceClasses(accounts: 1_000_000)
        #expect(classes.firstIndex.first == 0 && classes.firstIndex.last == 1_000_000)
        #expect(abs(classes.cumulativeWeight.last! / 1_000_000 - SimulationSettings.meanPaymentsPerDay) < 0.01)
        #expect(PaceClasses.table.paces.allSatisfy { $0 >= 0.2 && $0 <= 300 })
        #expect(classes.pace(of: 500_000) > 3.5 && classes.pace(of: 500_000) < 4.5, "the median account pays about 4 a day")
    }

    @Test("a population of 20 million accounts makes 100,000 transactions with resident memory growing by far less than 8 bytes per account")
    func memoryDoesNotGrowWithPopulation() throws {
        _ = defaultSample  // built first, so that it is not built during the measurement
        try memoryMeasurementLock.withLock {
            var settings = SimulationSettings()
            settings.seed = 20
            settings.accounts = 20_000_000
            let before = try residentBytes()
            var simulator = TransactionSimulator(settings: settings)
            var transactions = 0
            while transactions < 100_000 {
                if case .transaction = simulator.next() { transactions += 1 }
            }
            let growth = try residentBytes() - before
            // 8 bytes per account would be 160 MB; the touched accounts (about 100,000) cost a few MB.
            #expect(growth < 100_000_000, "resident memory grew by \(growth / 1_000_000) MB")
            #expect(simulator.population.touchedCount < 250_000)
        }
    }

    @Test("accounts pay about 4.9 times as often within an hour of their peak hour as 11 to 12 hours away from it")
    func dailyRhythm() {
        var settings = SimulationSettings()
        settings.seed = 33
        var simulator = TransactionSimulator(settings: settings)
        let end = settings.start.millisecondsSinceEpoch + 2 * 86_400_000
        var nearPeak = 0
        var night = 0
        memoryMeasurementLock.withLock {
            while true {
                guard case .transaction(let transaction, let truth) = simulator.next() else { continue }
                let time = transaction.timestamp.millisecondsSinceEpoch
                if time >= end { break }
                guard truth.behaviour == .normal, let sender = simulator.population.customerIndex(named: transaction.accountFrom) else { continue }
                var distance = abs(CustomerProfile.hourOfDay(time) - simulator.population.profile(sender).peakHour)
                if distance > 12 { distance = 24 - distance }
                if distance < 1 { nearPeak += 1 } else if distance >= 11 { night += 1 }
            }
        }
        // Both bands cover two hours of each account's day. Expected: the mean of
        // 0.2 + 0.8·exp(−d²/18) over d in [0, 1] (0.985) over that over [11, 12] (0.2007) = 4.91;
        // with about 24,000 and 4,900 payments in the bands the ratio's standard error is about
        // 0.08, so ±0.4 is five of them.
        let ratio = Double(nearPeak) / Double(night)
        #expect(night > 4_000)
        #expect(ratio > 4.5 && ratio < 5.3, "peak \(nearPeak), night \(night), ratio \(ratio)")
    }

    @Test("payees are 2 to 6 distinct other customers, and a name maps back to its account")
    func profilesAreConsistent() {
        var random = Xoshiro256StarStar(seed: 1)
        let population = Population(customers: 10, merchants: 1, random: &random)
        for index in 0..<10 {
            let profile = population.profile(index)
            let payees = (0..<profile.payeeCount).map(profile.payee)
            #expect((2...6).contains(payees.count) && Set(payees).count == payees.count && !payees.contains(index))
            #expect(payees.allSatisfy { (0..<10).contains($0) && profile.knowsPayee($0) })
            #expect(population.customerIndex(named: population.customerName(index)) == index)
            #expect(profile.habit == population.profile(index).habit && profile.startingBalanceCents > 0)
        }
    }
}
