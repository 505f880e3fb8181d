import FraudCore

extension GeneratorOptions {
    /// Reads the flags that shape the simulation and its clock.
    mutating func simulationSettings(_ flags: GeneratorFlags, now: EventTime, parser: inout FlagParser) throws(GeneratorOptionsError) {
        if let seed = flags.seed {
            guard let value = UInt64(seed) else {
                throw GeneratorOptionsError("--seed: expected a whole number from 0 to \(UInt64.max), got \"\(seed)\"")
            }
            simulation.seed = value
        } else {
            simulation.seed = UInt64.random(in: 0...UInt64.max)
        }
        if let accounts = flags.accounts {
            simulation.accounts = try parser.positiveInteger(accounts, flag: "--accounts", what: "a number of customer accounts of at least 10")
            guard simulation.accounts >= 10, simulation.accounts <= SimulationSettings.maximumAccounts else {
                throw GeneratorOptionsError("--accounts must be between 10 and \(SimulationSettings.maximumAccounts), got \(accounts)")
            }
        }
        if let merchants = flags.merchants {
            simulation.merchants = try parser.positiveInteger(merchants, flag: "--merchants", what: "a positive number of merchant accounts")
        }
        if let rate = flags.fraudRate { simulation.fraudRate = try parser.share(rate, flag: "--fraud-rate") }
        if let rate = flags.lookAlikeRate { simulation.lookAlikeRate = try parser.share(rate, flag: "--look-alike-rate") }
        guard simulation.fraudRate + simulation.lookAlikeRate <= 0.5 else {
            throw GeneratorOptionsError(
                "--fraud-rate plus --look-alike-rate must be at most 0.5, got \(simulation.fraudRate) + \(simulation.lookAlikeRate); lower one of them")
        }
        if let share = flags.labelShare { simulation.legitimateLabelShare = try parser.share(share, flag: "--label-share") }
        if let share = flags.correctionShare { simulation.correctionShare = try parser.share(share, flag: "--correction-share") }
        if let delay = flags.labelDelay { simulation.labelDelay = try GeneratorDurationParser.parse(delay, flag: "--label-delay") }

        if let disorder = flags.disorder {
            simulation.disorderMaxDelay = try GeneratorDurationParser.parse(disorder, flag: "--disorder")
            simulation.disorderShare = simulation.disorderMaxDelay > .zero ? 0.05 : 0
        }
        if let share = flags.disorderShare {
            guard flags.disorder != nil else {
                throw GeneratorOptionsError("--disorder-share needs --disorder: give the largest delay too, e.g. --disorder 2s --disorder-share 0.1")
            }
            simulation.disorderShare = try parser.share(share, flag: "--disorder-share")
        }

        if let history = flags.history {
            let value = try GeneratorDurationParser.parse(history, flag: "--history")
            guard value > .zero else { throw GeneratorOptionsError("--history must be longer than zero, got \"\(history)\"; omit it for no history") }
            self.history = value
        }

        switch clock {
        case .real:
            if flags.start != nil { throw GeneratorOptionsError("--start applies to --clock simulated (or --replay); add --clock simulated or remove --start") }
            if flags.speedup != nil { throw GeneratorOptionsError("--speedup applies to --clock simulated; add --clock simulated or remove --speedup") }
            speedup = 1
            simulation.start = now
        case .simulated:
            if let start = flags.start {
                guard let value = EventTime(rfc3339: start) else {
                    throw GeneratorOptionsError("--start: expected an RFC 3339 time such as 2026-01-01T00:00:00Z, got \"\(start)\"")
                }
                simulation.start = value
            }
            if let speedup = flags.speedup {
                if flags.accounts != nil && replay == nil {
                    throw GeneratorOptionsError(
                        "--accounts and --speedup cannot both be given with --clock simulated: --accounts fixes the population, whose "
                            + "natural pace (accounts × \(Self.meanPace) payments a day) sets event time, so the speedup follows from --rate; "
                            + "pass one of them")
                }
                self.speedup = try parser.positive(speedup, flag: "--speedup", what: "a positive factor by which event time runs faster than wall time")
            }
        }
        if replay == nil { sizePopulation(accountsGiven: flags.accounts != nil) }
        if let history {
            simulation.start = EventTime(millisecondsSinceEpoch: simulation.start.millisecondsSinceEpoch - history.inMilliseconds)
        }
    }

    /// Sizes the population from the flags, or the simulated clock from the population.
    ///
    /// Each account pays at its own pace in event time, so a population of N pays
    /// N × ``SimulationSettings/meanPaymentsPerDay`` / 86,400 times per event-time second.
    /// Without `--accounts`, N is chosen so that this is the event-time rate the flags ask for
    /// (`--rate` on the real clock, `--rate / --speedup` on the simulated one). With `--accounts`
    /// on the simulated clock, event time follows the population and the speedup is derived; on
    /// the real clock event time is wall time, so a rate far from the population's natural
    /// rate makes every account pay faster or slower than its pace: a warning says so.
    private mutating func sizePopulation(accountsGiven: Bool) {
        switch (clock, accountsGiven) {
        case (.real, true):
            simulation.wallClockEventsPerSecond = rate
            let factor = rate / simulation.naturalEventsPerSecond
            if factor > 2 || factor < 0.5 {
                let natural = SimulationSettings.accounts(forEventsPerSecond: rate)
                let suggestion = natural <= Double(SimulationSettings.maximumAccounts) && natural >= 10
                    ? "pass --accounts \(GeneratorProgress.grouped(Int(natural))) (or no --accounts) for that rate on the real clock, or --clock simulated"
                    : "pass --clock simulated to let event time follow the population"
                warnings.append(
                    "--accounts \(GeneratorProgress.grouped(simulation.accounts)) at --rate \(Self.number(rate)) on the real clock: event time is wall time, "
                        + "so each account will pay about \(Self.number(factor)) times its natural pace (the population's natural rate is "
                        + "\(Self.number(simulation.naturalEventsPerSecond)) transactions per second); \(suggestion)")
            }
        case (.real, false):
            simulation.wallClockEventsPerSecond = rate
            let clamped: Bool
            (simulation.accounts, clamped) = clampedAccounts(for: rate, what: "--rate \(Self.number(rate)) on the real clock")
            if clamped {
                let factor = rate / simulation.naturalEventsPerSecond
                warnings[warnings.count - 1] += ", so each account will pay about \(Self.number(factor)) times its natural pace"
            }
        case (.simulated, true):
            speedup = rate / simulation.naturalEventsPerSecond
        case (.simulated, false):
            let eventRate = rate / speedup
            let clamped: Bool
            (simulation.accounts, clamped) = clampedAccounts(for: eventRate, what: "--rate \(Self.number(rate)) at --speedup \(Self.number(speedup))")
            let natural = simulation.naturalEventsPerSecond
            if clamped {
                speedup = rate / natural
                warnings[warnings.count - 1] += "; event time runs at \(Self.number(natural)) transactions per second instead, a speedup of \(Self.number(speedup))"
            }
        }
    }

    /// The population for `eventsPerSecond`, within 10 … ``SimulationSettings/maximumAccounts``;
    /// appends a warning when clamped.
    private mutating func clampedAccounts(for eventsPerSecond: Double, what: String) -> (accounts: Int, clamped: Bool) {
        let wanted = SimulationSettings.accounts(forEventsPerSecond: eventsPerSecond)
        let limit = SimulationSettings.maximumAccounts
        guard wanted > Double(limit) || wanted < 10 else { return (Int(wanted), false) }
        let accounts = wanted > Double(limit) ? limit : 10
        warnings.append(
            "\(what) asks for \(wanted > 1e15 ? "more than 10^15" : GeneratorProgress.grouped(Int(wanted))) accounts at \(Self.meanPace) payments a day each; "
                + "the generator uses \(GeneratorProgress.grouped(accounts)) (it names at most \(GeneratorProgress.grouped(limit)))")
        return (accounts, true)
    }

    private static let meanPace = number(SimulationSettings.meanPaymentsPerDay)

    /// A number with up to three decimals and thousands separators, for messages.
    static func number(_ value: Double) -> String {
        if value >= 100 { return GeneratorProgress.grouped(Int(value.rounded())) }
        var text = GeneratorProgress.fixed(value, value >= 10 ? 1 : 3)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}

/// Shared checks for numeric flags.
struct FlagParser {
    func positive(_ text: String, flag: String, what: String) throws(GeneratorOptionsError) -> Double {
        guard let value = Double(text.trimmingASCIIWhitespace()), value.isFinite, value > 0 else {
            throw GeneratorOptionsError("\(flag): expected \(what), got \"\(text)\"")
        }
        return value
    }

    func positiveInteger(_ text: String, flag: String, what: String) throws(GeneratorOptionsError) -> Int {
        guard let value = Int(text.trimmingASCIIWhitespace()), value > 0 else {
            throw GeneratorOptionsError("\(flag): expected \(what), got \"\(text)\"")
        }
        return value
    }

    func share(_ text: String, flag: String) throws(GeneratorOptionsError) -> Double {
        guard let value = Double(text.trimmingASCIIWhitespace()), value.isFinite else {
            throw GeneratorOptionsError("\(flag): expected a number between 0 and 1, got \"\(text)\"")
        }
        guard (0...1).contains(value) else {
            throw GeneratorOptionsError("\(flag) must be between 0 and 1, got \(text)")
        }
        return value
    }

    func topicName(_ text: String, flag: String) throws(GeneratorOptionsError) -> String {
        let allowed = text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        guard !text.isEmpty, text.utf8.count <= 249, allowed, text != ".", text != ".." else {
            throw GeneratorOptionsError(
                "\(flag): expected a Kafka topic name (1 to 249 of the characters a-z A-Z 0-9 . _ -), got \"\(text)\"")
        }
        return text
    }
}
