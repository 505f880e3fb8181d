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

    /// Creates a replay.
    public init(partitions: Int = 1, configuration: FeatureConfiguration = FeatureConfiguration()) {
        self.partitions = max(1, partitions)
        self.configuration = configuration
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
        try JSONLinesReader(path: path, flag: flag).forEachLine { number, bytes in
            let transaction: Transaction
            do throws(WireDecodingError) {
                transaction = try decoder.decode(bytes)
            } catch {
                summary.rejected += 1
                onRejected(number, error)
                return
            }
            let partition = partitions == 1 ? 0 : Self.partition(of: transaction.accountFrom, count: partitions)
            let vector = engines[partition].process(transaction)
            summary.transactions += 1
            try body(transaction, vector)
        }
        summary.late = engines.reduce(0) { $0 + Int($1.counters.lateEvents) }
        summary.evictions = engines.reduce(0) { $0 + Int($1.counters.evictions) }
        return summary
    }

    /// The partition of an account: FNV-1a of its UTF-8 bytes, modulo the partition count.
    public static func partition(of account: String, count: Int) -> Int {
        Int(StableHash.fnv1a(account.utf8) % UInt64(count))
    }
}
