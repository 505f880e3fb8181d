import ArgumentParser
import Foundation
import Generator

/// `fraudstream generate`: simulated (or replayed) transactions and labels to Kafka or files.
///
/// A thin shell: every flag is checked by ``GeneratorOptions`` (so the checks are tested in
/// the Generator module) and the work is done by ``GeneratorRun``.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate realistic transactions with fraud patterns and labels, to Kafka topics or JSON Lines files.",
        discussion: """
            Examples:
              fraudstream generate --brokers localhost:9092 --rate 2000 --duration 60s
              fraudstream generate --clock simulated --start 2026-01-01T00:00:00Z --speedup 1440 --max --count 1000000 \\
                  --seed 7 --output tx.jsonl --labels-output labels.jsonl
              fraudstream generate --clock simulated --rate 2000 --accounts 100000 --history 1d --duration 60s \\
                  --output tx.jsonl --labels-output labels.jsonl
              fraudstream generate --replay paysim.csv --max --output tx.jsonl --labels-output labels.jsonl
            Each account pays at its own pace in event time (6.594 payments a day on average), so
            the population sets how fast event time fills: without --accounts it is sized to the
            event-time rate asked for (--rate, or --rate / --speedup on the simulated clock).
            See docs/generator.md for the behaviours, rates and labels.
            """
    )

    @Option(help: "Kafka bootstrap servers, host:port[,host:port] (default: $KAFKA_BROKERS).")
    var brokers: String?
    @Option(name: .customLong("kafka-property"), help: "A librdkafka property, key=value; repeatable.")
    var kafkaProperties: [String] = []
    @Option(help: "Transactions per wall-clock second (default 1000); without --accounts it also sizes the population to pay at that event-time rate.")
    var rate: String?
    @Option(help: "Stop after this many transactions.")
    var count: String?
    @Option(help: "Stop after this much time, e.g. 60s, 5m.")
    var duration: String?
    @Flag(help: "Generate as fast as possible (--rate then only sets how densely event time is filled).")
    var max = false
    @Option(help: "Seed of the simulation; the same seed gives the same stream (default: random, printed).")
    var seed: String?
    @Option(help: "Customer accounts (default: sized to the event-time rate, rate × 86400 / 6.594). On the simulated clock event time then follows the population and the speedup is derived (do not pass --speedup); on the real clock a rate far from the population's natural one draws a warning.")
    var accounts: String?
    @Option(help: "Merchant accounts (default 500).")
    var merchants: String?
    @Option(name: .customLong("fraud-rate"), help: "Share of transactions that are fraud, 0...1 (default 0.01).")
    var fraudRate: String?
    @Option(name: .customLong("look-alike-rate"), help: "Share of transactions that are legitimate look-alikes of fraud (default 0.005).")
    var lookAlikeRate: String?
    @Option(name: .customLong("label-share"), help: "Share of legitimate transactions that get a label (default 0.1).")
    var labelShare: String?
    @Option(name: .customLong("correction-share"), help: "Share of labels first wrong, then corrected (default 0.05).")
    var correctionShare: String?
    @Option(name: .customLong("label-delay"), help: "Typical delay of a label after its transaction (default 5m).")
    var labelDelay: String?
    @Option(help: "Partitions of topics created by the generator (default 8).")
    var partitions: String?
    @Option(help: "Transactions topic (default transactions).")
    var topic: String?
    @Option(name: .customLong("labels-topic"), help: "Labels topic (default transaction_labels).")
    var labelsTopic: String?
    @Option(help: "Event-time clock: real (wall clock) or simulated (default real).")
    var clock: String?
    @Option(help: "First event time for --clock simulated and --replay (default 2026-01-01T00:00:00Z).")
    var start: String?
    @Option(help: "How many times faster than wall time event time runs with --clock simulated (default 60); sizes the population to --rate / speedup. Not with --accounts.")
    var speedup: String?
    @Option(help: "Event time to generate as fast as possible before the paced run, ending at its start, e.g. 1d; not counted by --count/--duration. Not with --replay.")
    var history: String?
    @Option(help: "Delay 5 % of transactions (see --disorder-share) by up to this much, e.g. 2s.")
    var disorder: String?
    @Option(name: .customLong("disorder-share"), help: "Share of transactions delayed by --disorder (default 0.05).")
    var disorderShare: String?
    @Option(help: "Write transactions to this JSON Lines file instead of Kafka.")
    var output: String?
    @Option(name: .customLong("labels-output"), help: "Write labels to this JSON Lines file (with --output).")
    var labelsOutput: String?
    @Option(help: "Replay a PaySim CSV file instead of simulating.")
    var replay: String?

    var flags: GeneratorFlags {
        var flags = GeneratorFlags()
        flags.brokers = brokers
        flags.kafkaProperties = kafkaProperties
        flags.rate = rate
        flags.count = count
        flags.duration = duration
        flags.max = max
        flags.seed = seed
        flags.accounts = accounts
        flags.merchants = merchants
        flags.fraudRate = fraudRate
        flags.lookAlikeRate = lookAlikeRate
        flags.labelShare = labelShare
        flags.correctionShare = correctionShare
        flags.labelDelay = labelDelay
        flags.partitions = partitions
        flags.topic = topic
        flags.labelsTopic = labelsTopic
        flags.clock = clock
        flags.start = start
        flags.speedup = speedup
        flags.history = history
        flags.disorder = disorder
        flags.disorderShare = disorderShare
        flags.output = output
        flags.labelsOutput = labelsOutput
        flags.replay = replay
        return flags
    }

    func validate() throws {
        do {
            _ = try GeneratorOptions(flags: flags)
        } catch {
            throw ValidationError(error.message)
        }
    }

    func run() async throws {
        let options: GeneratorOptions
        do {
            options = try GeneratorOptions(flags: flags)
        } catch {
            throw ValidationError(error.message)
        }
        for warning in options.warnings {
            printToStandardError("generate: warning: " + warning)
        }
        if options.replay == nil {
            printToStandardError("generate: seed \(options.simulation.seed) (pass --seed \(options.simulation.seed) to repeat this stream)")
        }
        let stop = GeneratorStopSignal()
        let interrupts = InterruptHandler.stopOnInterrupt(
            stop, message: "generate: stopping after the current batch (press Ctrl-C again to quit at once)")
        defer { interrupts.cancel() }
        _ = try await GeneratorRun.run(options: options, stop: stop) { progress in
            printToStandardError(progress.description)
        }
    }
}

private func printToStandardError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
