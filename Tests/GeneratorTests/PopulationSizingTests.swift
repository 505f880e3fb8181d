import FraudCore
@testable import Generator
import Testing

@Suite("Population sizing")
struct PopulationSizingTests {
    private func options(_ edit: (inout GeneratorFlags) -> Void) throws -> GeneratorOptions {
        var flags = GeneratorFlags()
        flags.output = "tx.jsonl"
        edit(&flags)
        return try GeneratorOptions(flags: flags, environment: [:])
    }

    @Test("--rate 2000 on the real clock sizes the population to about 26.2 million accounts, paying at their natural pace")
    func realClockSizing() throws {
        let options = try options { $0.rate = "2000" }
        #expect(options.simulation.accounts == Int((2000 * 86_400 / SimulationSettings.meanPaymentsPerDay).rounded()))
        #expect(options.simulation.accounts > 26_190_000 && options.simulation.accounts < 26_220_000)
        #expect(options.simulation.eventsPerSecond == 2000 && abs(options.simulation.naturalEventsPerSecond / 2000 - 1) < 1e-6)
        #expect(options.warnings.isEmpty)
    }

    @Test("--accounts 10000 at --rate 2000 on the real clock warns that accounts pay about 2,620 times their pace and says what to pass")
    func realClockWarning() throws {
        let options = try options { $0.rate = "2000"; $0.accounts = "10000" }
        #expect(options.simulation.accounts == 10_000 && options.simulation.eventsPerSecond == 2000)
        #expect(options.warnings.count == 1)
        let warning = options.warnings.first ?? ""
        #expect(warning.hasPrefix("--accounts 10,000 at --rate 2,000 on the real clock: event time is wall time, so each account will pay about 2,620 times its natural pace"), "\(warning)")
        #expect(warning.contains("pass --accounts 26,20") && warning.contains("or --clock simulated"), "\(warning)")
        // Within a factor of 2 of the natural rate, no warning.
        #expect(try self.options { $0.rate = "1"; $0.accounts = "10000" }.warnings.isEmpty)
        #expect(try self.options { $0.rate = "0.3"; $0.accounts = "10000" }.warnings.count == 1)
    }

    @Test("on the simulated clock --accounts fixes event time and derives the speedup; without it --rate / --speedup sizes the population")
    func simulatedClockSizing() throws {
        let fixed = try options { $0.clock = "simulated"; $0.rate = "2000"; $0.accounts = "10000" }
        #expect(fixed.simulation.eventsPerSecond == SimulationSettings.naturalEventsPerSecond(accounts: 10_000))
        #expect(abs(fixed.speedup - 2620.5) < 1, "\(fixed.speedup)")
        let maxed = try options { $0.clock = "simulated"; $0.max = true; $0.accounts = "10000" }
        #expect(maxed.simulation.eventsPerSecond == fixed.simulation.eventsPerSecond)
        let sized = try options { $0.clock = "simulated"; $0.rate = "12" }
        #expect(sized.simulation.accounts == 2_620 && sized.speedup == 60 && sized.warnings.isEmpty)
        // More than the names allow: clamped, with the speedup following the clamped population.
        let huge = try options { $0.clock = "simulated"; $0.rate = "2000"; $0.speedup = "0.01" }
        #expect(huge.simulation.accounts == SimulationSettings.maximumAccounts)
        #expect(abs(huge.speedup - 2000 / huge.simulation.naturalEventsPerSecond) < 1e-9)
        #expect(huge.warnings.first?.contains("the generator uses 268,435,455") == true, "\(huge.warnings)")
    }

    @Test("--history moves the simulation's start back by the history and keeps the live start")
    func historyOption() throws {
        let options = try options { $0.clock = "simulated"; $0.history = "1d" }
        #expect(options.history == .seconds(86_400))
        #expect(options.simulation.start == EventTime(rfc3339: "2025-12-31T00:00:00Z"))
        #expect(options.liveStart == EventTime(rfc3339: "2026-01-01T00:00:00Z"))
        #expect(GeneratorRun(options: options).historyEnd == options.liveStart)
    }
}
