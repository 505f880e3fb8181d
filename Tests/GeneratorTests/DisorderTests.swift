import FraudCore
@testable import Generator
import Testing

@Suite("Disorder")
struct DisorderTests {
    @Test("by default event times never decrease in emission order")
    func defaultIsOrdered() {
        let times = defaultSample.transactions.map(\.transaction.timestamp)
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test("--disorder 2s delays about 5 % of transactions by up to 2 s")
    func disorderDelaysSome() {
        var settings = SimulationSettings()
        settings.seed = 5
        settings.disorderShare = 0.05
        settings.disorderMaxDelay = .seconds(2)
        settings.accounts = Int(SimulationSettings.accounts(forEventsPerSecond: 100))  // 10 ms apart, so 2 s of delay overtakes many events
        #expect(abs(settings.eventsPerSecond - 100) < 0.001)
        let sample = SimulatedSample(settings: settings, count: 50_000)
        var latest = Int64.min
        var outOfOrder = 0
        var worst: Int64 = 0
        for (transaction, truth) in sample.transactions {
            let time = transaction.timestamp.millisecondsSinceEpoch
            if time < latest {
                outOfOrder += 1
                worst = max(worst, latest - time)
                #expect(truth.emissionDelay > .zero)
            }
            latest = max(latest, time)
            #expect(truth.emissionDelay <= .seconds(2))
        }
        let delayed = sample.transactions.filter { $0.truth.emissionDelay > .zero }.count
        #expect(abs(Double(delayed) / 50_000 - 0.05) < 0.006)
        #expect(outOfOrder > 1000)
        #expect(worst <= 2_000 && worst > 1_500)
    }
}
