/// The flags of `fraudstream generate` exactly as typed, before validation.
///
/// The command fills one of these and hands it to ``GeneratorOptions/init(flags:environment:)``,
/// which checks every value and explains what is wrong; keeping the checks here lets them be
/// tested without the executable. `nil` means the flag was not given.
public struct GeneratorFlags: Sendable, Hashable {
    /// `--brokers host:port[,host:port]`.
    public var brokers: String?
    /// `--kafka-property key=value`, repeatable.
    public var kafkaProperties: [String] = []
    /// `--rate N`: transactions per second.
    public var rate: String?
    /// `--count N`: stop after this many transactions.
    public var count: String?
    /// `--duration 60s`: stop after this much wall time.
    public var duration: String?
    /// `--max`: generate as fast as possible.
    public var max: Bool = false
    /// `--seed N`.
    public var seed: String?
    /// `--accounts N`.
    public var accounts: String?
    /// `--merchants N`.
    public var merchants: String?
    /// `--fraud-rate X`: share of transactions that are fraud.
    public var fraudRate: String?
    /// `--look-alike-rate X`: share of transactions that are legitimate look-alikes.
    public var lookAlikeRate: String?
    /// `--label-share X`: share of legitimate transactions that are labelled.
    public var labelShare: String?
    /// `--correction-share X`: share of labels that are first wrong, then corrected.
    public var correctionShare: String?
    /// `--label-delay 5m`.
    public var labelDelay: String?
    /// `--partitions N`: partitions of topics created by the generator.
    public var partitions: String?
    /// `--topic NAME`.
    public var topic: String?
    /// `--labels-topic NAME`.
    public var labelsTopic: String?
    /// `--clock real|simulated`.
    public var clock: String?
    /// `--start 2026-01-01T00:00:00Z`.
    public var start: String?
    /// `--speedup N`.
    public var speedup: String?
    /// `--disorder 2s`: the largest delay of a late event.
    public var disorder: String?
    /// `--disorder-share X`: the share of events delayed.
    public var disorderShare: String?
    /// `--history 1d`: event time generated as fast as possible before the paced run.
    public var history: String?
    /// `--output tx.jsonl`.
    public var output: String?
    /// `--labels-output labels.jsonl`.
    public var labelsOutput: String?
    /// `--replay paysim.csv`.
    public var replay: String?

    /// Creates flags with nothing given.
    public init() {}
}
