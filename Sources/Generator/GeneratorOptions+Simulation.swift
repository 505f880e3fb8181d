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
            guard simulation.accounts >= 10, simulation.accounts < 1 << 28 else {
                throw GeneratorOptionsError("--accounts must be between 10 and \(1 << 28 - 1), got \(accounts)")
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
                self.speedup = try parser.positive(speedup, flag: "--speedup", what: "a positive factor by which event time runs faster than wall time")
            }
        }
        simulation.eventsPerSecond = rate / speedup
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
