import FraudCore
import Foundation
import Kafka

/// The validated settings of one `fraudstream generate` run.
public struct GeneratorOptions: Sendable, Hashable {
    /// How event time is stamped.
    public enum Clock: String, Sendable, Hashable {
        /// Wall-clock time at emission (minus any disorder delay).
        case real
        /// Derived from the sequence, starting at ``SimulationSettings/start`` and advancing
        /// ``GeneratorOptions/speedup`` times faster than wall time at the configured rate.
        case simulated
    }

    /// The simulation (population, rates, labels, disorder, seed, start).
    public var simulation = SimulationSettings()
    /// Where records go.
    public var output: GeneratorOutput
    /// A PaySim CSV file to replay instead of simulating.
    public var replay: String?
    /// How event time is stamped.
    public var clock: Clock = .real
    /// How much faster than wall time event time advances under the simulated clock, when
    /// paced at ``rate``: `--speedup` (default 60), or with `--accounts`, ``rate`` divided by
    /// the population's natural rate. 1 on the real clock.
    public var speedup: Double = 60
    /// Transactions per wall-clock second when paced. Without `--accounts` it also sizes the
    /// population (see ``SimulationSettings/accounts(forEventsPerSecond:)``); with
    /// ``asFastAsPossible`` it only sets the event-time density.
    public var rate: Double = 1000
    /// Event time generated as fast as possible before the paced run, ending where the run
    /// starts: ``SimulationSettings/start`` is then the start of the history, and
    /// ``liveStart`` that of the live part. It counts toward neither ``count`` nor ``duration``.
    public var history: Duration?
    /// Things the person should know that do not stop the run (a population that cannot pace
    /// naturally at the rate asked for); the command prints them on stderr before starting.
    public var warnings: [String] = []
    /// Generate without pacing.
    public var asFastAsPossible = false
    /// Stop after this many transactions.
    public var count: Int?
    /// Stop after this much wall time.
    public var duration: Duration?

    /// The event time at which the live (paced, counted) part of the run starts: the
    /// simulation's start plus ``history``.
    public var liveStart: EventTime {
        EventTime(millisecondsSinceEpoch: simulation.start.millisecondsSinceEpoch + (history?.inMilliseconds ?? 0))
    }

    /// Creates options for an output with every other setting at its default.
    public init(output: GeneratorOutput) {
        self.output = output
    }

    /// Validates command-line flags.
    ///
    /// - Parameters:
    ///   - flags: The flags as typed.
    ///   - environment: Where `KAFKA_BROKERS` is looked up when `--brokers` is absent.
    ///   - now: The wall-clock start of a `--clock real` run.
    /// - Throws: ``GeneratorOptionsError`` for the first unusable flag, saying how to fix it.
    public init(
        flags: GeneratorFlags,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        now: EventTime = EventTime(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000))
    ) throws(GeneratorOptionsError) {
        var parser = FlagParser()
        if let rate = flags.rate {
            self.rate = try parser.positive(rate, flag: "--rate", what: "a positive number of transactions per second")
        }
        asFastAsPossible = flags.max
        if let count = flags.count {
            self.count = try parser.positiveInteger(count, flag: "--count", what: "a positive number of transactions")
        }
        if let duration = flags.duration {
            let value = try GeneratorDurationParser.parse(duration, flag: "--duration")
            guard value > .zero else { throw GeneratorOptionsError("--duration must be longer than zero, got \"\(duration)\"") }
            self.duration = value
        }
        output = try Self.output(flags, environment: environment, parser: &parser)
        replay = flags.replay
        if let clock = flags.clock {
            guard let value = Clock(rawValue: clock.lowercased()) else {
                throw GeneratorOptionsError("--clock: expected real or simulated, got \"\(clock)\"")
            }
            self.clock = value
        }
        if replay != nil {
            if flags.clock == "real" {
                throw GeneratorOptionsError("--clock real cannot be used with --replay: replayed events take their time from the file's step and --start")
            }
            for (value, flag) in [(flags.accounts, "--accounts"), (flags.merchants, "--merchants"), (flags.fraudRate, "--fraud-rate"),
                                  (flags.lookAlikeRate, "--look-alike-rate"), (flags.disorder, "--disorder"), (flags.speedup, "--speedup"),
                                  (flags.history, "--history")]
            where value != nil {
                throw GeneratorOptionsError("\(flag) has no effect with --replay, which takes its accounts, fraud and times from the file; remove it")
            }
            clock = .simulated
        }
        try simulationSettings(flags, now: now, parser: &parser)
    }

    private static func output(_ flags: GeneratorFlags, environment: [String: String], parser: inout FlagParser) throws(GeneratorOptionsError) -> GeneratorOutput {
        if let path = flags.output {
            guard !path.isEmpty else { throw GeneratorOptionsError("--output: expected a file path, got an empty string") }
            if flags.brokers != nil {
                throw GeneratorOptionsError("--brokers and --output cannot be combined: write either to Kafka (--brokers) or to files (--output)")
            }
            return .files(transactions: path, labels: flags.labelsOutput)
        }
        if flags.labelsOutput != nil {
            throw GeneratorOptionsError("--labels-output needs --output: give both files, e.g. --output tx.jsonl --labels-output labels.jsonl")
        }
        let brokerText: String
        let source: String
        if let brokers = flags.brokers {
            (brokerText, source) = (brokers, "--brokers")
        } else if let brokers = environment["KAFKA_BROKERS"], !brokers.isEmpty {
            (brokerText, source) = (brokers, "KAFKA_BROKERS")
        } else {
            throw GeneratorOptionsError(
                "no Kafka brokers given: pass --brokers host:port (or set KAFKA_BROKERS), or write files with --output tx.jsonl --labels-output labels.jsonl")
        }
        var settings: KafkaOutputSettings
        do {
            settings = KafkaOutputSettings(brokers: try KafkaSettings.parseBrokers(brokerText))
        } catch {
            let detail = error.message.hasPrefix("brokers: ") ? String(error.message.dropFirst("brokers: ".count)) : error.message
            throw GeneratorOptionsError("\(source): \(detail)")
        }
        do {
            settings.properties = try KafkaSettings.parseProperties(flags.kafkaProperties)
        } catch {
            throw GeneratorOptionsError("--kafka-property: \(error.message); write each as key=value, e.g. --kafka-property linger.ms=20")
        }
        if let topic = flags.topic { settings.topic = try parser.topicName(topic, flag: "--topic") }
        if let topic = flags.labelsTopic { settings.labelsTopic = try parser.topicName(topic, flag: "--labels-topic") }
        if settings.topic == settings.labelsTopic {
            throw GeneratorOptionsError("--topic and --labels-topic must differ, both are \"\(settings.topic)\"")
        }
        if let partitions = flags.partitions {
            settings.partitions = try parser.positiveInteger(partitions, flag: "--partitions", what: "a positive number of partitions")
        }
        return .kafka(settings)
    }
}
