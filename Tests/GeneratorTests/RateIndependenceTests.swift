import FraudCore
@testable import Generator
import Testing

/// Per-account behaviour is defined in event time, so it must not depend on `--rate`, the
/// clock or how the population was sized.
@Suite("Rate independence")
struct RateIndependenceTests {
    /// What one day of event time looks like per account, from one setting.
    struct DayStatistics {
        /// Per account with at least 3 ordinary payments: the median gap between them, in
        /// hours (each account counts once).
        var medianGaps: [Double] = []
        /// Amounts of ordinary transactions, sorted.
        var amounts: [Double] = []
        /// Fraud transactions by pattern, and in all.
        var fraudByPattern: [SimulatedBehaviour: Int] = [:]
        var fraud = 0
        /// Steps of each complete fan-out.
        var fanOutSteps: [Double] = []
        /// Seconds from an account takeover's probe to the drain.
        var takeoverGaps: [Double] = []

        init(options: GeneratorOptions, seed: UInt64) {
            var settings = options.simulation
            settings.seed = seed
            var simulator = TransactionSimulator(settings: settings)
            let start = settings.start.millisecondsSinceEpoch
            let end = start + 86_400_000
            var times: [String: [Int64]] = [:]
            var scenarios: [Int: [Transaction]] = [:]
            var behaviours: [Int: SimulatedBehaviour] = [:]
            while true {
                guard case .transaction(let transaction, let truth) = simulator.next() else { continue }
                let time = transaction.timestamp.millisecondsSinceEpoch
                if time >= end { break }
                if truth.behaviour == .normal {
                    times[transaction.accountFrom, default: []].append(time)
                    amounts.append(transaction.amount)
                }
                if truth.isFraud {
                    fraud += 1
                    fraudByPattern[truth.behaviour, default: 0] += 1
                }
                if let scenario = truth.scenario, truth.isFraud {
                    scenarios[scenario, default: []].append(transaction)
                    behaviours[scenario] = truth.behaviour
                }
            }
            amounts.sort()
            for (_, accountTimes) in times where accountTimes.count >= 3 {
                let gaps = zip(accountTimes.dropFirst(), accountTimes).map { Double($0 - $1) / 3_600_000 }.sorted()
                medianGaps.append(gaps[gaps.count / 2])
            }
            medianGaps.sort()
            for (scenario, steps) in scenarios where steps[0].timestamp.millisecondsSinceEpoch < end - 900_000 {
                switch behaviours[scenario] {
                case .fanOut: fanOutSteps.append(Double(steps.count))
                case .accountTakeover where steps.count == 2:
                    takeoverGaps.append(Double(steps[1].timestamp.millisecondsSinceEpoch - steps[0].timestamp.millisecondsSinceEpoch) / 1000)
                default: break
                }
            }
        }
    }

    private func options(_ edit: (inout GeneratorFlags) -> Void) throws -> GeneratorOptions {
        var flags = GeneratorFlags()
        flags.output = "tx.jsonl"
        flags.clock = "simulated"
        edit(&flags)
        return try GeneratorOptions(flags: flags, environment: [:])
    }

    @Test("per-account pace, amounts and fraud shapes agree within 99.9 % intervals at rate 12, at rate 2,000 and with a derived population")
    func perAccountStatisticsAgree() throws {
        let slow = try options { $0.rate = "12"; $0.accounts = "10000" }
        let fast = try options { $0.rate = "2000"; $0.accounts = "10000" }
        let derived = try options { $0.rate = "100" }  // speedup 60: 1.67 tx per event-time second
        // The rate only changes the speedup; the population sets event time.
        #expect(slow.simulation.eventsPerSecond == fast.simulation.eventsPerSecond)
        #expect(abs(slow.speedup - 12 / slow.simulation.naturalEventsPerSecond) < 1e-9)
        #expect(abs(fast.speedup - 2000 / fast.simulation.naturalEventsPerSecond) < 1e-9)
        #expect(derived.simulation.accounts == Int((100.0 / 60 * 86_400 / SimulationSettings.meanPaymentsPerDay).rounded()) && derived.speedup == 60)

        // Different seeds, so the samples are independent: a day of event time each
        // (about 66,000, 66,000 and 144,000 transactions).
        let samples = memoryMeasurementLock.withLock {
            [DayStatistics(options: slow, seed: 1), DayStatistics(options: fast, seed: 2), DayStatistics(options: derived, seed: 3)]
        }
        for sample in samples {
            // A median account pays about 4 times a day, busier at its peak: gaps of hours, not
            // the seconds (rate 2,000) or the half day (rate 12) of a rate-bound clock.
            let gap = quantile(sample.medianGaps, 0.5)
            #expect(gap > 1.5 && gap < 6, "median per-account gap \(gap) h")
            #expect(sample.medianGaps.count > 4_000 && sample.fanOutSteps.count > 40 && sample.takeoverGaps.count > 60)
        }
        for (a, b) in [(0, 1), (0, 2), (1, 2)] {
            let (x, y) = (samples[a], samples[b])
            for q in [0.5] {
                #expect(quantileInterval(x.medianGaps, q).overlaps(quantileInterval(y.medianGaps, q)),
                        "per-account gap medians \(quantile(x.medianGaps, q)) h vs \(quantile(y.medianGaps, q)) h (settings \(a), \(b))")
            }
            for q in [0.5, 0.9] {
                #expect(quantileInterval(x.amounts, q).overlaps(quantileInterval(y.amounts, q)),
                        "amount quantile \(q): \(quantile(x.amounts, q)) vs \(quantile(y.amounts, q)) (settings \(a), \(b))")
            }
            for pattern in [SimulatedBehaviour.accountTakeover, .fanOut, .cashOut] {
                #expect(proportionsAgree((x.fraudByPattern[pattern] ?? 0, x.fraud), (y.fraudByPattern[pattern] ?? 0, y.fraud)),
                        "\(pattern) share \(x.fraudByPattern[pattern] ?? 0)/\(x.fraud) vs \(y.fraudByPattern[pattern] ?? 0)/\(y.fraud)")
            }
            #expect(meansAgree(x.fanOutSteps, y.fanOutSteps), "fan-out steps \(mean(x.fanOutSteps)) vs \(mean(y.fanOutSteps))")
            #expect(meansAgree(x.takeoverGaps, y.takeoverGaps), "takeover gap \(mean(x.takeoverGaps)) s vs \(mean(y.takeoverGaps)) s")
        }
    }
}
