import Benchmark
import FraudCore
import Foundation
import Synchronization

/// One partition's feature computation on one core: batches of decoded transactions through
/// a `FeatureEngine` in the steady state (10,000 accounts, all resident, event time moving
/// forward), and the memory one million resident accounts take. Names have no spaces: the
/// tool reads stored thresholds by the raw name but writes them with spaces replaced.
///
/// Each measured iteration of the throughput benchmarks runs 1,000 transactions (scaling
/// factor `.kilo`; the batch benchmark runs them as one batch), so throughput is in thousands
/// of transactions per second and the figures marked `*` in the CLI output are per transaction.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 1_000_000,
        // Timing on a shared 2-core machine varies by 40 % when other work runs, so only a
        // halving of speed fails the check; allocation counts are exact and must not change.
        thresholds: [
            .throughput: BenchmarkThresholds(relative: [.p90: 50.0]),
            .wallClock: BenchmarkThresholds(relative: [.p90: 50.0]),
            .mallocCountTotal: BenchmarkThresholds(absolute: [.p90: 0]),
        ]
    )

    let stream = Mutex(SteadyStream(accounts: 10_000, templates: 8_192))

    Benchmark("FeatureEngine.process-batch") { benchmark in
        stream.withLock { stream in
            stream.processNextBatch()
        }
    }

    Benchmark("FeatureEngine.process-one") { benchmark in
        stream.withLock { stream in
            for _ in benchmark.scaledIterations {
                blackHole(stream.processNext())
            }
        }
    }

    let bytesPerAccount = BenchmarkMetric.custom("residentBytesPerAccount", useScalingFactor: false)
    var withoutTargetSets = FeatureConfiguration()
    withoutTargetSets.maxDistinctTargets = 1
    withoutTargetSets.counterpartyMemory = 1
    for (name, configuration) in [
        ("FeatureEngine.resident-1M-accounts", FeatureConfiguration()),
        ("FeatureEngine.resident-1M-accounts-minimal-target-sets", withoutTargetSets),
    ] {
        Benchmark(
            name,
            configuration: .init(
                metrics: [.wallClock, bytesPerAccount], scalingFactor: .one, maxDuration: .seconds(30),
                maxIterations: 3, thresholds: [bytesPerAccount: BenchmarkThresholds(relative: [.p90: 10.0])])
        ) { benchmark in
            let accounts = 1_000_000
            let before = residentBytes()
            let engine = try admitAccounts(accounts, configuration: configuration)
            let after = residentBytes()
            precondition(engine.counters.residentAccounts == accounts)
            benchmark.measurement(bytesPerAccount, (after - before) / accounts)
            blackHole(engine)
        }
    }
}

/// An engine holding `count` accounts, each with one transaction.
///
/// The resident-set growth of the process while they are admitted, divided by the count, is
/// every byte the engine holds per account (arrays, dictionary, ids, allocator overhead).
func admitAccounts(_ count: Int, configuration: FeatureConfiguration) throws -> FeatureEngine {
    var engine = try FeatureEngine(configuration: configuration)
    var transaction = Transaction(
        id: "tx", timestamp: EventTime(millisecondsSinceEpoch: 1_767_261_600_000), type: .payment, amount: 10,
        accountFrom: "", oldBalanceFrom: 100, newBalanceFrom: 90, accountTo: "M1", oldBalanceTo: 0,
        newBalanceTo: 10)
    for account in 0..<count {
        transaction.accountFrom = "C\(account)"
        transaction.timestamp = EventTime(millisecondsSinceEpoch: 1_767_261_600_000 + Int64(account))
        blackHole(engine.process(transaction))
    }
    return engine
}

/// Transactions over a fixed population whose event time keeps moving forward by 5 ms each.
struct SteadyStream: Sendable {
    private var engine: FeatureEngine
    private var batch: [Transaction]
    private var templates: [Transaction]
    private var matrix = FeatureMatrix(rowCapacity: 1_000)
    private var next = 0
    private var clock: Int64 = 1_767_261_600_000

    init(accounts: Int, templates count: Int) {
        var random = SystemRandomNumberGenerator()
        let merchants = (0..<500).map { "M\(1_000_000 + $0)" }
        templates = (0..<count).map { number in
            let amount = Double(Int.random(in: 100...500_000, using: &random)) / 100
            let toMerchant = Bool.random(using: &random)
            return Transaction(
                id: "tx-\(number)", timestamp: EventTime(millisecondsSinceEpoch: 0),
                type: toMerchant ? .payment : .transfer, amount: amount,
                accountFrom: "C\(1_000_000_000 + Int.random(in: 0..<accounts, using: &random))",
                oldBalanceFrom: amount * 3, newBalanceFrom: amount * 2,
                accountTo: toMerchant ? merchants.randomElement(using: &random)!
                    : "C\(1_000_000_000 + Int.random(in: 0..<accounts, using: &random))",
                oldBalanceTo: 0, newBalanceTo: amount)
        }
        batch = Array(templates.prefix(1_000))
        engine = try! FeatureEngine()
        // Warm up: every account resident, every array at its final size.
        for _ in 0..<(4 * accounts / 1_000) {
            processNextBatch()
        }
    }

    /// The next 1,000 transactions through the batch interface, into a reused matrix.
    mutating func processNextBatch() {
        for position in batch.indices {
            batch[position] = nextTransaction()
        }
        matrix.removeAll(keepingCapacity: true)
        engine.process(batch, into: &matrix)
        blackHole(matrix.values.last)
    }

    /// The next transaction on its own.
    mutating func processNext() -> FeatureVector {
        let transaction = nextTransaction()
        return engine.process(transaction)
    }

    private mutating func nextTransaction() -> Transaction {
        var transaction = templates[next]
        next = next + 1 == templates.count ? 0 : next + 1
        clock += 5
        transaction.timestamp = EventTime(millisecondsSinceEpoch: clock)
        return transaction
    }
}

/// The process's resident set size, from /proc/self/statm (Linux).
func residentBytes() -> Int {
    guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = statm.split(separator: " ")
    return (fields.count > 1 ? Int(fields[1]) ?? 0 : 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
}
