import Postgres

/// Why ``ScoredTransactionSink/write(_:nextOffsets:group:topic:)`` failed; nothing of the batch
/// was stored then, and no offset moved.
public struct ScoredTransactionSinkError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: Hashable, Sendable {
            case invalidBatch
            case database
            case fenced
        }

        private let kind: Kind

        private init(_ kind: Kind) {
            self.kind = kind
        }

        /// The batch contradicts its offsets: a row's partition has no next offset, or the next
        /// offset does not lie beyond the row's offset. A bug in the caller; not retryable.
        public static let invalidBatch = Code(.invalidBatch)
        /// PostgreSQL failed a step of the write; see ``ScoredTransactionSinkError/underlying``.
        public static let database = Code(.database)
        /// Another owner claimed partitions of the batch (their ownership epoch moved on since
        /// the caller claimed them): the caller lost them and must stop writing for them; see
        /// ``ScoredTransactionSinkError/fencedPartitions``. Not retryable.
        public static let fenced = Code(.fenced)

        /// The code's name.
        public var description: String {
            switch kind {
            case .invalidBatch: "invalidBatch"
            case .database: "database"
            case .fenced: "fenced"
            }
        }
    }

    /// The kind of failure.
    public var code: Code
    /// What the sink was doing, e.g. `copying 1000 rows into fraudstream.scored_transactions`.
    public var step: String
    /// The consumer group of the batch.
    public var group: String
    /// The topic of the batch.
    public var topic: String
    /// The database's error, for ``Code/database``.
    public var underlying: PostgresError?
    /// For ``Code/fenced``: each partition another owner claimed, with the epoch it holds now.
    public var fencedPartitions: [Int32: Int64] = [:]

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - step: What the sink was doing.
    ///   - group: The consumer group.
    ///   - topic: The topic.
    ///   - underlying: The database's error, if any.
    public init(_ code: Code, step: String, group: String, topic: String, underlying: PostgresError? = nil) {
        self.code = code
        self.step = step
        self.group = group
        self.topic = topic
        self.underlying = underlying
    }

    /// Whether writing the same batch again may succeed: the database error is retryable (a lost
    /// connection, a serialization failure, a deadlock). Retrying is always safe: rows below the
    /// committed offsets are dropped, so nothing is written twice.
    public var isRetryable: Bool {
        underlying?.isRetryable ?? false
    }

    /// Safe to log: no row data (the underlying error's `description` leaves out `detail`).
    public var description: String {
        var text = "ScoredTransactionSinkError.\(code): \(step) (group \(group), topic \(topic))"
        if let underlying {
            text += ": \(underlying)"
        }
        return text
    }
}
