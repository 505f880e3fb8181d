import Postgres

/// Writes batches of scored transactions to PostgreSQL exactly once, together with the Kafka
/// offsets they cover.
///
/// Each ``write(_:nextOffsets:group:topic:)`` is one database transaction that
/// 1. locks the batch's rows in `stream_offsets` and reads their committed next offsets, so two
///    workers that both believe they own a partition are serialised, and the second one sees
///    what the first committed; with `ownerEpochs`, it also refuses the whole write
///    (``ScoredTransactionSinkError/Code/fenced``) when another owner has claimed one of the
///    partitions since the caller did;
/// 2. drops the rows below those offsets: they were committed before a crash or a rebalance, and
///    dropping them is what makes replay exactly-once;
/// 3. copies the remaining rows into `scored_transactions` with a plain binary COPY, the fast
///    path. A transaction id that is already stored makes that COPY fail with `23505`; the sink
///    then rolls back to a savepoint taken just before it and copies the rows into a temporary
///    table, inserts them with `ON CONFLICT (transaction_id) DO NOTHING`, and records each id
///    that was already stored at another offset (or appears twice in the batch) in
///    `duplicate_transactions`. A duplicate never fails a batch;
/// 4. advances `stream_offsets` to `nextOffsets` (never backwards);
/// 5. commits.
///
/// - Important: Use the sink from one task at a time, and let nothing else use its connection
///   while a write runs. Being an actor keeps its buffers safe, but actors are reentrant: a write
///   started while another one awaits the database does not queue, it fails (the connection
///   refuses a nested transaction) with a ``ScoredTransactionSinkError`` that is not retryable.
public actor ScoredTransactionSink {
    /// What a write did with the rows of its batch; the three counts add up to the batch's size.
    public struct WriteSummary: Sendable, Hashable, CustomStringConvertible {
        /// Rows stored in `scored_transactions` by this write.
        public var written: Int
        /// Rows that were already stored at the same partition and offset (below the committed
        /// offset, or found in the table): a replay, not written again.
        public var alreadyWritten: Int
        /// Rows whose transaction id was already stored at another offset, or appeared earlier in
        /// the batch: recorded in `duplicate_transactions`, not in `scored_transactions`.
        public var duplicates: Int

        /// Creates a summary.
        /// - Parameters:
        ///   - written: Rows stored.
        ///   - alreadyWritten: Rows of a replay, dropped.
        ///   - duplicates: Rows recorded as duplicates.
        public init(written: Int = 0, alreadyWritten: Int = 0, duplicates: Int = 0) {
            self.written = written
            self.alreadyWritten = alreadyWritten
            self.duplicates = duplicates
        }

        /// The three counts, for logs.
        public var description: String {
            "written \(written), already written \(alreadyWritten), duplicates \(duplicates)"
        }
    }

    /// Where a row was read: its partition and offset.
    public struct RowPosition: Sendable, Hashable {
        /// The partition.
        public var partition: Int32
        /// The offset.
        public var offset: Int64

        /// Creates a position.
        public init(partition: Int32, offset: Int64) {
            self.partition = partition
            self.offset = offset
        }
    }

    /// The connection the sink writes with.
    public nonisolated let connection: PostgresConnection
    /// The PostgreSQL schema holding the tables (already migrated).
    public nonisolated let schema: String
    /// The store of committed offsets the sink reads and advances.
    public nonisolated let offsets: OffsetStore

    private var encoder: ScoredRowEncoder

    /// Creates a sink.
    /// - Parameters:
    ///   - connection: A connection for the sink's exclusive use.
    ///   - schema: The migrated schema to write to, such as `fraudstream`.
    ///   - rowCapacity: The expected batch size, to size the reused COPY buffer.
    public init(connection: PostgresConnection, schema: String, rowCapacity: Int = 1_000) {
        self.connection = connection
        self.schema = schema
        self.offsets = OffsetStore(schema: schema)
        self.encoder = ScoredRowEncoder(rowCapacity: rowCapacity)
    }

    /// Stores `batch` and advances the partitions' offsets to `nextOffsets`, in one database
    /// transaction.
    ///
    /// Safe to repeat: writing a batch again (after a crash before the Kafka commit, or after a
    /// retryable error whose outcome is unknown) stores nothing twice and reports its rows as
    /// already written.
    /// - Parameters:
    ///   - batch: The rows, of any partitions of `topic`, in any order.
    ///   - nextOffsets: The next offset per partition once this batch is stored; it must name
    ///     every partition of `batch` and lie beyond each of its rows' offsets. It may name
    ///     partitions without rows (records that produced no output, such as rejects).
    ///   - group: The consumer group, the key of `stream_offsets`.
    ///   - topic: The topic the rows were read from.
    ///   - ownerEpochs: The epoch the caller claimed for each partition it owns
    ///     (``OffsetStore/claim(_:group:topic:on:)``); a partition named here whose epoch has
    ///     moved on fences the write. Partitions left out are not checked.
    ///   - alongside: More work for the same database transaction, run after the rows are
    ///     stored and the offsets advanced, and before `COMMIT` (the worker records rejects,
    ///     saves checkpoints and sends the alerts of the rows this write stored here); it is
    ///     given the connection, which it must use, and the positions of the batch's rows this
    ///     write did not store (already written, or duplicates), which must not be alerted on
    ///     again. What it throws rolls everything back.
    /// - Returns: How many rows were written, dropped as already written, or recorded as
    ///   duplicates.
    /// - Throws: ``ScoredTransactionSinkError``: `invalidBatch` before touching the database,
    ///   `fenced` when a partition has a newer owner, or `database` with the step and the
    ///   ``PostgresError``; the transaction is rolled back, so
    ///   no row and no offset of the batch is stored. Retry when ``ScoredTransactionSinkError/isRetryable``.
    @discardableResult
    public func write(
        _ batch: [ScoredTransaction],
        nextOffsets: [Int32: Int64],
        group: String,
        topic: String,
        ownerEpochs: [Int32: Int64] = [:],
        alongside: @Sendable (PostgresConnection, Set<RowPosition>) async throws -> Void = { _, _ in }
    ) async throws -> WriteSummary {
        try validate(batch, nextOffsets: nextOffsets, group: group, topic: topic)
        guard !nextOffsets.isEmpty else { return WriteSummary() }
        let schema = schema
        let offsets = offsets
        var step = "beginning the transaction"
        do {
            return try await connection.withTransaction { connection in
                step = "locking stream_offsets of partitions \(nextOffsets.keys.sorted())"
                let claims = try await offsets.lockNextOffsets(of: nextOffsets.keys, group: group, topic: topic, on: connection)
                var fenced: [Int32: Int64] = [:]
                for (partition, epoch) in ownerEpochs where nextOffsets[partition] != nil {
                    let current = claims[partition]?.ownerEpoch ?? 0
                    if current != epoch { fenced[partition] = current }
                }
                if !fenced.isEmpty {
                    var error = ScoredTransactionSinkError(
                        .fenced, step: "checking the ownership of partitions \(fenced.keys.sorted())", group: group, topic: topic)
                    error.fencedPartitions = fenced
                    throw error
                }
                let committed = claims.mapValues(\.nextOffset)
                let rows = encoder.encode(batch.lazy.filter { $0.offset >= committed[$0.partition, default: 0] })
                var summary = WriteSummary(alreadyWritten: batch.count - rows)
                var notWritten: Set<RowPosition> = []
                for row in batch where row.offset < committed[row.partition, default: 0] {
                    notWritten.insert(RowPosition(partition: row.partition, offset: row.offset))
                }
                if rows > 0 {
                    step = "copying \(rows) rows into \(schema).scored_transactions"
                    try await connection.execute("SAVEPOINT scored_copy")
                    do {
                        summary.written = try await connection.copyFrom(
                            "COPY \(schema).scored_transactions (\(ScoredRowEncoder.columnList)) FROM STDIN (FORMAT binary)"
                        ) { writer in
                            try await writer.write(encoder.bytes)
                        }
                    } catch let error as PostgresError where error.sqlState == "23505" {
                        step = "recovering from a duplicate transaction id among \(rows) rows"
                        try await connection.execute("ROLLBACK TO SAVEPOINT scored_copy")
                        let outcome = try await insertSkippingDuplicates(on: connection, step: &step)
                        summary.written = rows - outcome.notInserted.count
                        summary.duplicates = outcome.duplicates
                        summary.alreadyWritten += outcome.notInserted.count - outcome.duplicates
                        notWritten.formUnion(outcome.notInserted)
                    }
                }
                step = "advancing stream_offsets of partitions \(nextOffsets.keys.sorted())"
                try await offsets.advance(nextOffsets, group: group, topic: topic, on: connection)
                step = "writing rejects and checkpoints of the batch"
                try await alongside(connection, notWritten)
                step = "committing"
                return summary
            }
        } catch let error as PostgresError {
            throw ScoredTransactionSinkError(.database, step: step, group: group, topic: topic, underlying: error)
        }
    }

    /// The slow path, after the fast COPY found a transaction id that is already stored: copies
    /// the encoded rows into a temporary table and inserts those whose id is new.
    ///
    /// A row that is not inserted is either a replay (the stored row has the same partition and
    /// offset) or a duplicate (another offset, or an earlier row of this batch): duplicates go to
    /// `duplicate_transactions`. The statement sees the table as it was before it ran, so rows it
    /// inserts itself do not count as replays.
    private func insertSkippingDuplicates(on connection: PostgresConnection, step: inout String) async throws -> (notInserted: Set<RowPosition>, duplicates: Int) {
        // Empty at this point: its rows go at commit (ON COMMIT DELETE ROWS) or with a rollback.
        step = "creating the temporary table scored_transactions_batch"
        try await connection.execute("""
            CREATE TEMP TABLE IF NOT EXISTS scored_transactions_batch
                (LIKE \(schema).scored_transactions) ON COMMIT DELETE ROWS
            """)
        step = "copying \(encoder.rowCount) rows into scored_transactions_batch"
        _ = try await connection.copyFrom(
            "COPY scored_transactions_batch (\(ScoredRowEncoder.columnList)) FROM STDIN (FORMAT binary)"
        ) { writer in
            try await writer.write(encoder.bytes)
        }
        step = "inserting new rows of scored_transactions_batch and recording duplicates"
        let counts = try await connection.query("""
            WITH inserted AS (
                INSERT INTO \(schema).scored_transactions (\(ScoredRowEncoder.columnList))
                SELECT DISTINCT ON (transaction_id) \(ScoredRowEncoder.columnList)
                FROM scored_transactions_batch
                ORDER BY transaction_id, kafka_partition, kafka_offset
                ON CONFLICT (transaction_id) DO NOTHING
                RETURNING kafka_partition, kafka_offset
            ), duplicate AS (
                SELECT batch.transaction_id, batch.kafka_partition, batch.kafka_offset
                FROM scored_transactions_batch AS batch
                WHERE NOT EXISTS (
                    SELECT FROM inserted
                    WHERE inserted.kafka_partition = batch.kafka_partition AND inserted.kafka_offset = batch.kafka_offset
                ) AND NOT EXISTS (
                    SELECT FROM \(schema).scored_transactions AS stored
                    WHERE stored.transaction_id = batch.transaction_id
                      AND stored.kafka_partition = batch.kafka_partition AND stored.kafka_offset = batch.kafka_offset
                )
            ), recorded AS (
                INSERT INTO \(schema).duplicate_transactions (transaction_id, kafka_partition, kafka_offset)
                SELECT transaction_id, kafka_partition, kafka_offset FROM duplicate
                ON CONFLICT (kafka_partition, kafka_offset) DO NOTHING
            )
            SELECT batch.kafka_partition, batch.kafka_offset,
                   EXISTS (SELECT FROM duplicate
                           WHERE duplicate.kafka_partition = batch.kafka_partition AND duplicate.kafka_offset = batch.kafka_offset)
            FROM scored_transactions_batch AS batch
            WHERE NOT EXISTS (
                SELECT FROM inserted
                WHERE inserted.kafka_partition = batch.kafka_partition AND inserted.kafka_offset = batch.kafka_offset
            )
            """)
        var notInserted: Set<RowPosition> = []
        var duplicates = 0
        for row in counts {
            notInserted.insert(RowPosition(partition: try row[0, as: Int32.self], offset: try row[1, as: Int64.self]))
            if try row[2, as: Bool.self] { duplicates += 1 }
        }
        return (notInserted, duplicates)
    }

    /// Rejects a batch whose rows are not covered by `nextOffsets`: such a row would be stored
    /// without its progress, and written again after a restart.
    private nonisolated func validate(_ batch: [ScoredTransaction], nextOffsets: [Int32: Int64], group: String, topic: String) throws {
        for row in batch {
            guard let next = nextOffsets[row.partition] else {
                throw ScoredTransactionSinkError(
                    .invalidBatch,
                    step: "checking the batch: a row of partition \(row.partition) (offset \(row.offset)) has no next offset in nextOffsets",
                    group: group,
                    topic: topic
                )
            }
            guard row.offset < next else {
                throw ScoredTransactionSinkError(
                    .invalidBatch,
                    step: "checking the batch: partition \(row.partition) has a row at offset \(row.offset), not below its next offset \(next)",
                    group: group,
                    topic: topic
                )
            }
        }
    }
}
