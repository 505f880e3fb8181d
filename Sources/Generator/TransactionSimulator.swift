import FraudCore

/// A deterministic, endless stream of simulated transactions and labels.
///
/// Background traffic arrives on an event-time clock that advances by about
/// 1/``SimulationSettings/eventsPerSecond`` per transaction, the population's natural rate:
/// each customer pays at their own daily pace and rhythm in event time, whatever the rate of
/// the run. At each tick the simulator either makes an ordinary transaction (of a customer
/// drawn by pace × rhythm), starts a fraud scenario or starts a legitimate look-alike,
/// with probabilities chosen so that the configured *transaction* shares come out. Later steps
/// of a scenario and labels are scheduled in event time and interleaved with the background.
///
/// Everything derives from ``SimulationSettings/seed`` and the sequence, never from wall
/// time: the same settings give the same events, in the same order, with the same times.
/// Events come out in emission order: by event time, except that transactions chosen for
/// disorder come out up to ``SimulationSettings/disorderMaxDelay`` late, and labels come out at
/// their `labeled_at` time.
///
/// - Important: A value type with no locks: use one simulator from one task at a time.
public struct TransactionSimulator: Sendable {
    /// The settings the simulator was created with.
    public let settings: SimulationSettings

    var random: Xoshiro256StarStar
    var population: Population
    /// The event time of the next background tick, in fractional milliseconds.
    private var backgroundClock: Double
    private let meanGapMilliseconds: Double
    var steps = TimedHeap<ScenarioStep>()
    var emissions = TimedHeap<Emission>()
    /// Transactions due at the current action time, in order. Every emission due earlier has
    /// already left, so these go next without a trip through the heap (the common case).
    var ready: [(transaction: Transaction, truth: GroundTruth, sequence: UInt64)] = []
    var readyIndex = 0
    /// Sequence numbers of transactions held back for disorder and not yet emitted.
    var heldBack: Set<UInt64> = []
    var transactionCount: UInt64 = 0
    var scenarioCount = 0
    let idPrefix: String
    /// Per background tick: the probability of starting a fraud scenario, then of a look-alike.
    let fraudStartProbability: Double
    let lookAlikeStartProbability: Double
    let labelDelayMilliseconds: Double
    let disorderMaxMilliseconds: Int

    /// Expected transactions per fraud scenario (takeover 2 × 0.4, fan-out 4.5 × 0.3, cash-out 1 × 0.3).
    static let transactionsPerFraudScenario = 0.4 * 2 + 0.3 * 4.5 + 0.3 * 1
    /// Expected transactions per look-alike (whole-balance 1, family about 3.9, test-then-payee 2, a third each).
    static let transactionsPerLookAlike = (1 + 3.9 + 2) / 3.0

    /// Creates a simulator and its population. Memory does not depend on the population's
    /// size: only the accounts touched so far have state.
    ///
    /// - Parameter settings: Validated settings (see ``GeneratorOptions``); rates must be in
    ///   [0, 1) with `fraudRate + lookAlikeRate < 1`, counts positive.
    /// - Precondition: There are 10 to ``SimulationSettings/maximumAccounts`` accounts and at least
    ///   1 merchant, and `eventsPerSecond > 0`.
    public init(settings: SimulationSettings) {
        precondition(
            settings.accounts >= 10 && settings.accounts <= SimulationSettings.maximumAccounts && settings.merchants >= 1,
            "the simulator needs 10 to 2^28 - 1 accounts and at least 1 merchant")
        precondition(settings.eventsPerSecond > 0, "eventsPerSecond must be positive")
        precondition(settings.fraudRate + settings.lookAlikeRate < 1, "fraudRate + lookAlikeRate must be below 1")
        self.settings = settings
        var random = Xoshiro256StarStar(seed: settings.seed)
        var tagState = settings.seed
        idPrefix = "T" + Self.base36(Xoshiro256StarStar.splitMix64(&tagState), digits: 4) + "-"
        population = Population(customers: settings.accounts, merchants: settings.merchants, random: &random)
        self.random = random
        backgroundClock = Double(settings.start.millisecondsSinceEpoch)
        meanGapMilliseconds = 1000 / settings.eventsPerSecond
        labelDelayMilliseconds = Double(settings.labelDelay.inMilliseconds)
        disorderMaxMilliseconds = settings.disorderShare > 0 ? Int(settings.disorderMaxDelay.inMilliseconds) : 0

        // Per tick, a scenario of k transactions replaces one ordinary transaction. With T the
        // expected transactions per tick, fraud is p·kF/T and look-alikes p·kL/T of the stream.
        let fraud = settings.fraudRate
        let alike = settings.lookAlikeRate
        let kF = Self.transactionsPerFraudScenario
        let kL = Self.transactionsPerLookAlike
        let perTick = 1 / (1 - fraud - alike + fraud / kF + alike / kL)
        fraudStartProbability = fraud * perTick / kF
        lookAlikeStartProbability = alike * perTick / kL
    }

    /// Returns the next event in emission order.
    public mutating func next() -> SimulatedEvent {
        while true {
            if readyIndex < ready.count {
                defer {
                    readyIndex += 1
                    if readyIndex == ready.count {
                        ready.removeAll(keepingCapacity: true)
                        readyIndex = 0
                    }
                }
                return .transaction(ready[readyIndex].transaction, ready[readyIndex].truth)
            }
            let nextStep = steps.minimumTime ?? .max
            let nextBackground = Int64(backgroundClock)
            let nextAction = min(nextStep, nextBackground)
            if let due = emissions.minimumTime, due <= nextAction, let (_, emission) = emissions.popMinimum() {
                switch emission {
                case .transaction(let transaction, let truth, let sequence):
                    if truth.emissionDelay > .zero { heldBack.remove(sequence) }
                    return .transaction(transaction, truth)
                case .label(let label, _):
                    return .label(label)
                }
            }
            if nextStep <= nextBackground, let (time, step) = steps.popMinimum() {
                perform(step, at: time)
            } else {
                backgroundTick(at: nextBackground)
                backgroundClock += meanGapMilliseconds * random.uniform(0.5, 1.5)
            }
        }
    }

    /// Removes and returns the labels not yet emitted whose transactions were emitted, in
    /// `labeled_at` order, for the end of a finite run: their `labeled_at` may lie beyond the
    /// last transaction's event time.
    public mutating func drainLabels() -> [Label] {
        var labels: [Label] = []
        let unsent = heldBack.union(ready[readyIndex...].map(\.sequence))
        ready.removeAll()
        readyIndex = 0
        while let (_, emission) = emissions.popMinimum() {
            if case .label(let label, let sequence) = emission, !unsent.contains(sequence) {
                labels.append(label)
            }
        }
        steps = TimedHeap()
        return labels
    }

    private mutating func backgroundTick(at time: Int64) {
        let draw = random.unit()
        if draw < fraudStartProbability {
            if startFraud(at: time) { return }
        } else if draw < fraudStartProbability + lookAlikeStartProbability {
            if startLookAlike(at: time) { return }
        }
        normalTransaction(at: time)
    }

    private static func base36(_ value: UInt64, digits: Int) -> String {
        let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz")
        var value = value
        var result = ""
        for _ in 0..<digits {
            result.append(alphabet[Int(value % 36)])
            value /= 36
        }
        return result
    }
}

/// A record waiting for its emission time.
enum Emission: Sendable {
    case transaction(Transaction, GroundTruth, sequence: UInt64)
    case label(Label, transactionSequence: UInt64)
}
