import FraudCore

/// Runs the live feature engine over a JSON Lines file of transactions, in file order.
///
/// Accounts are spread over ``partitions`` independent engines by a stable hash of
/// `account_from` (FNV-1a, not Kafka's partitioner), as the worker keeps one engine per Kafka
/// partition. Used by `fraudstream features` and by training, so that both see exactly the
/// features the worker computes.
public struct FeatureReplay: Sendable {
    /// What a replay did.
    public struct Summary: Sendable, Hashable {
        /// Transactions whose features were computed.
        public var transactions = 0
        /// Lines that were not valid transactions.
        public var rejected = 0
        /// Events older than the allowed lateness.
        public var late = 0
        /// Idle accounts evicted.
        public var evictions = 0
    }

    /// How many independent engines accounts are spread over.
    public var partitions: Int
    /// The engines' settings.
    public var configuration: FeatureConfiguration
    /// How far an event time may jump ahead of the stream's clock unconfirmed by the
    /// transactions after it (`StreamClockGuard`); `nil` checks nothing.
    public var maxClockSkew: Duration?

    /// Creates a replay.
    public init(
        partitions: Int = 1, configuration: FeatureConfiguration = FeatureConfiguration(), maxClockSkew: Duration? = .seconds(300)
    ) {
        self.partitions = max(1, partitions)
        self.configuration = configuration
        self.maxClockSkew = maxClockSkew
    }

    /// Reads `path` and calls `body` with every transaction and its feature vector.
    ///
    /// - Parameters:
    ///   - flag: the command-line flag that named the file, for error messages.
    ///   - onRejected: told the line number and reason of every line that is not a transaction.
    /// - Throws: ``OfflineInputError`` when the file cannot be read; configuration errors of
    ///   the engine; what `body` throws.
    public func run(
        path: String,
        flag: String = "--input",
        onRejected: (Int, WireDecodingError) -> Void,
        _ body: (Transaction, FeatureVector) throws -> Void
    ) throws -> Summary {
        var engines = try (0..<partitions).map { _ in try FeatureEngine(configuration: configuration) }
        let decoder = TransactionDecoder()
        var summary = Summary()
        var guardian = maxClockSkew.map { StreamClockGuard(maxSkewMilliseconds: FeatureConfiguration.milliseconds($0)) }
        // Transactions wait for the ones after them to vote on a jump in event time.
        var pending: [(line: Int, transaction: Transaction)] = []
        func processOldest() throws {
            let (line, transaction) = pending.removeFirst()
            if guardian != nil,
               let error = guardian!.check(transaction.timestamp.millisecondsSinceEpoch, following: pending.lazy.map { $0.transaction.timestamp.millisecondsSinceEpoch })
            {
                summary.rejected += 1
                onRejected(line, error)
                return
            }
            let partition = partitions == 1 ? 0 : Self.partition(of: transaction.accountFrom, count: partitions)
            let vector = engines[partition].process(transaction)
            summary.transactions += 1
            try body(transaction, vector)
        }
        let window = guardian == nil ? 0 : StreamClockGuard.lookahead
        try JSONLinesReader(path: path, flag: flag).forEachLine { number, bytes in
            do throws(WireDecodingError) {
                pending.append((number, try decoder.decode(bytes)))
            } catch {
                summary.rejected += 1
                onRejected(number, error)
                return
            }
            if pending.count > window { try processOldest() }
        }
        while !pending.isEmpty { try processOldest() }
        summary.late = engines.reduce(0) { $0 + Int($1.counters.lateEvents) }
        summary.evictions = engines.reduce(0) { $0 + Int($1.counters.evictions) }
        return summary
    }

    /// The partition of an account: FNV-1a of its UTF-8 bytes, modulo the partition count.
    public static func partition(of account: String, count: Int) -> Int {
        Int(StableHash.fnv1a(account.utf8) % UInt64(count))
    }
}
