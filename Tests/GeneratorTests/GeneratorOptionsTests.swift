import FraudCore
@testable import Generator
import Testing

@Suite("Command-line options")
struct GeneratorOptionsTests {
    private func flags(_ edit: (inout GeneratorFlags) -> Void) -> GeneratorFlags {
        var flags = GeneratorFlags()
        flags.output = "tx.jsonl"
        edit(&flags)
        return flags
    }

    private func message(_ edit: (inout GeneratorFlags) -> Void) -> String? {
        do {
            _ = try GeneratorOptions(flags: flags(edit), environment: [:])
            return nil
        } catch {
            return error.message
        }
    }

    @Test("bad values say which flag, what was expected and what was given")
    func badValues() {
        #expect(message { $0.rate = "fast" } == "--rate: expected a positive number of transactions per second, got \"fast\"")
        #expect(message { $0.rate = "0" } == "--rate: expected a positive number of transactions per second, got \"0\"")
        #expect(message { $0.fraudRate = "1.5" } == "--fraud-rate must be between 0 and 1, got 1.5")
        #expect(message { $0.fraudRate = "lots" } == "--fraud-rate: expected a number between 0 and 1, got \"lots\"")
        #expect(message { $0.count = "-3" } == "--count: expected a positive number of transactions, got \"-3\"")
        #expect(message { $0.duration = "soon" }?.hasPrefix("--duration: expected a duration such as 500ms, 2s, 5m, 1h or 7d") == true)
        #expect(message { $0.disorder = "2 parsecs" }?.hasPrefix("--disorder: expected a duration") == true)
        #expect(message { $0.clock = "sundial" } == "--clock: expected real or simulated, got \"sundial\"")
        #expect(message { $0.seed = "abc" }?.hasPrefix("--seed: expected a whole number") == true)
        #expect(message { $0.accounts = "5" }?.hasPrefix("--accounts must be between 10 and") == true)
        #expect(message { $0.clock = "simulated"; $0.start = "yesterday" }
            == "--start: expected an RFC 3339 time such as 2026-01-01T00:00:00Z, got \"yesterday\"")
        #expect(message { $0.start = "2026-01-01T00:00:00Z" }?.contains("add --clock simulated") == true)
        #expect(message { $0.speedup = "10" }?.contains("--speedup applies to --clock simulated") == true)
        #expect(message { $0.disorderShare = "0.1" }?.hasPrefix("--disorder-share needs --disorder") == true)
        #expect(message { $0.fraudRate = "0.4"; $0.lookAlikeRate = "0.2" }?.hasPrefix("--fraud-rate plus --look-alike-rate must be at most 0.5") == true)
        #expect(message { $0.replay = "p.csv"; $0.accounts = "100" }?.hasPrefix("--accounts has no effect with --replay") == true)
        #expect(message { $0.replay = "p.csv"; $0.history = "1d" }?.hasPrefix("--history has no effect with --replay") == true)
        #expect(message { $0.history = "0s" }?.hasPrefix("--history must be longer than zero") == true)
        #expect(message { $0.history = "a day" }?.hasPrefix("--history: expected a duration") == true)
        #expect(message { $0.clock = "simulated"; $0.accounts = "10000"; $0.speedup = "60" }?
            .hasPrefix("--accounts and --speedup cannot both be given with --clock simulated") == true)
        #expect(message { $0.clock = "simulated"; $0.accounts = "10000"; $0.speedup = "60" }?.hasSuffix("pass one of them") == true)
        #expect(message { $0.accounts = "268435456" } == "--accounts must be between 10 and 268435455, got 268435456")
    }

    @Test("Kafka output needs brokers, given by flag or KAFKA_BROKERS, in host:port form")
    func brokers() throws {
        var noOutput = GeneratorFlags()
        #expect(throws: GeneratorOptionsError(
            "no Kafka brokers given: pass --brokers host:port (or set KAFKA_BROKERS), or write files with --output tx.jsonl --labels-output labels.jsonl"
        )) { try GeneratorOptions(flags: noOutput, environment: [:]) }
        noOutput.brokers = "localhost"
        #expect(throws: GeneratorOptionsError("--brokers: expected host:port[,host:port], got \"localhost\" (\"localhost\" has no valid port)")) {
            try GeneratorOptions(flags: noOutput, environment: [:])
        }
        let fromEnvironment = try GeneratorOptions(flags: GeneratorFlags(), environment: ["KAFKA_BROKERS": "a:9092,b:9093"])
        #expect(fromEnvironment.output == .kafka(KafkaOutputSettings(brokers: ["a:9092", "b:9093"])))
        var withProperties = GeneratorFlags()
        withProperties.brokers = "k:9092"
        withProperties.kafkaProperties = ["linger.ms=20"]
        withProperties.partitions = "12"
        withProperties.topic = "tx"
        let options = try GeneratorOptions(flags: withProperties, environment: [:])
        guard case .kafka(let settings) = options.output else {
            Issue.record("expected Kafka output")
            return
        }
        #expect(settings.properties == ["linger.ms": "20"] && settings.partitions == 12 && settings.topic == "tx")
        #expect(settings.labelsTopic == "transaction_labels")
        withProperties.kafkaProperties = ["linger.ms"]
        #expect(throws: GeneratorOptionsError.self) { try GeneratorOptions(flags: withProperties, environment: [:]) }
        withProperties.kafkaProperties = []
        withProperties.topic = "bad topic"
        #expect(message { $0.output = nil; $0.brokers = "k:9092"; $0.topic = "bad topic" }?.hasPrefix("--topic: expected a Kafka topic name") == true)
        #expect(message { $0.labelsOutput = "l.jsonl"; $0.output = nil; $0.brokers = "k:9092" }?.hasPrefix("--labels-output needs --output") == true)
    }

    @Test("good flags are read into the settings")
    func goodFlags() throws {
        let options = try GeneratorOptions(flags: flags {
            $0.clock = "simulated"
            $0.start = "2026-03-01T00:00:00Z"
            $0.speedup = "1440"
            $0.rate = "2000"
            $0.seed = "17"
            $0.count = "1000"
            $0.duration = "5m"
            $0.merchants = "20"
            $0.fraudRate = "0.02"
            $0.disorder = "2s"
            $0.labelDelay = "90s"
            $0.labelsOutput = "labels.jsonl"
        }, environment: [:])
        #expect(options.output == .files(transactions: "tx.jsonl", labels: "labels.jsonl"))
        #expect(options.clock == .simulated && options.speedup == 1440 && options.rate == 2000)
        #expect(options.simulation.start == EventTime(rfc3339: "2026-03-01T00:00:00Z"))
        // The population is sized so that its natural pace is 2000 / 1440 transactions per event-time second.
        #expect(options.simulation.accounts == Int((2000.0 / 1440 * 86_400 / SimulationSettings.meanPaymentsPerDay).rounded()))
        #expect(abs(options.simulation.eventsPerSecond / (2000.0 / 1440) - 1) < 1e-4)
        #expect(options.simulation.wallClockEventsPerSecond == nil && options.warnings.isEmpty)
        #expect(options.simulation.seed == 17 && options.count == 1000 && options.duration == .seconds(300))
        #expect(options.simulation.merchants == 20 && options.simulation.fraudRate == 0.02)
        #expect(options.simulation.disorderMaxDelay == .seconds(2) && options.simulation.disorderShare == 0.05)
        #expect(options.simulation.labelDelay == .seconds(90))
        let real = try GeneratorOptions(flags: flags { _ in }, environment: [:], now: EventTime(millisecondsSinceEpoch: 1_800_000_000_000))
        #expect(real.clock == .real && real.simulation.start.millisecondsSinceEpoch == 1_800_000_000_000)
        #expect(real.simulation.disorderShare == 0)
        #expect(real.simulation.eventsPerSecond == 1000 && real.speedup == 1)
    }

    @Test("durations accept ms, s, m, h and d, and refuse what would overflow")
    func durations() throws {
        #expect(try GeneratorDurationParser.parse("500ms", flag: "--x") == .milliseconds(500))
        #expect(try GeneratorDurationParser.parse("2s", flag: "--x") == .seconds(2))
        #expect(try GeneratorDurationParser.parse("1.5s", flag: "--x") == .milliseconds(1500))
        #expect(try GeneratorDurationParser.parse("5m", flag: "--x") == .seconds(300))
        #expect(try GeneratorDurationParser.parse("1h", flag: "--x") == .seconds(3600))
        #expect(throws: GeneratorOptionsError.self) { try GeneratorDurationParser.parse("60", flag: "--x") }
        #expect(throws: GeneratorOptionsError.self) { try GeneratorDurationParser.parse("s", flag: "--x") }
        #expect(try GeneratorDurationParser.parse("7d", flag: "--x") == .seconds(7 * 86_400))
        // Once a trap: the milliseconds did not fit an Int64.
        #expect(throws: GeneratorOptionsError.self) { try GeneratorDurationParser.parse("99999999999999999999h", flag: "--x") }
        #expect(throws: GeneratorOptionsError.self) { try GeneratorDurationParser.parse("36501d", flag: "--x") }
    }
}
