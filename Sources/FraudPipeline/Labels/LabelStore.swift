import FraudCore
import Postgres

/// Writes labels to the `labels` table, the latest label of each transaction winning, and
/// undecodable label messages to `rejected_transactions`.
///
/// A batch is one database transaction: labels are copied into a temporary table, reduced to
/// the latest per transaction id, and upserted when they are not older than the stored one.
/// "Latest" is by `labeled_at`, then by the label's position on the labels topic (partition,
/// offset): two labels stamped in the same millisecond are decided by which was written later,
/// not by which arrived last, so replaying any batch, or receiving labels out of order, gives
/// the same table.
public struct LabelStore: Sendable {
    /// A label and where it was read on the labels topic.
    public struct Entry: Sendable, Hashable {
        /// The label.
        public var label: Label
        /// Its partition on the labels topic.
        public var partition: Int32
        /// Its offset in that partition.
        public var offset: Int64

        /// Creates an entry.
        public init(_ label: Label, partition: Int32, offset: Int64) {
            self.label = label
            self.partition = partition
            self.offset = offset
        }
    }

    /// The PostgreSQL schema holding the tables.
    public var schema: String

    /// Creates a store for `schema` (already migrated).
    public init(schema: String) {
        self.schema = schema
    }

    /// Writes `labels` and `rejects` in one database transaction.
    ///
    /// - Throws: ``PostgresError`` from the server; nothing is written then.
    public func write(_ labels: [Entry], rejects: [RejectedMessage], on connection: PostgresConnection) async throws {
        guard !labels.isEmpty || !rejects.isEmpty else { return }
        let schema = self.schema
        var encoder = PostgresBinaryCopyEncoder(capacity: 64 + labels.count * 64)
        for entry in labels {
            let label = entry.label
            encoder.beginRow(fieldCount: 6)
            encoder.append(label.id)
            encoder.append(label.isFraud)
            if let fraudType = label.fraudType { encoder.append(fraudType) } else { encoder.appendNull() }
            encoder.appendTimestamp(microsecondsSince1970: label.labeledAt.millisecondsSinceEpoch * 1000)
            encoder.append(entry.partition)
            encoder.append(entry.offset)
        }
        encoder.finish()
        let rows = encoder.buffer
        try await connection.withTransaction { connection in
            if !labels.isEmpty {
                try await connection.execute("""
                    CREATE TEMP TABLE IF NOT EXISTS label_batch
                        (transaction_id text, is_fraud boolean, fraud_type text, labeled_at timestamptz,
                         source_partition integer, source_offset bigint) ON COMMIT DELETE ROWS
                    """)
                _ = try await connection.copyFrom("COPY label_batch FROM STDIN (FORMAT binary)") { writer in
                    try await writer.write(rows)
                }
                try await connection.execute("""
                    INSERT INTO \(schema).labels AS current
                        (transaction_id, is_fraud, fraud_type, labeled_at, source_partition, source_offset)
                    SELECT DISTINCT ON (transaction_id) transaction_id, is_fraud, fraud_type, labeled_at, source_partition, source_offset
                    FROM label_batch ORDER BY transaction_id, labeled_at DESC, source_partition DESC, source_offset DESC
                    ON CONFLICT (transaction_id) DO UPDATE
                    SET is_fraud = excluded.is_fraud, fraud_type = excluded.fraud_type, labeled_at = excluded.labeled_at,
                        source_partition = excluded.source_partition, source_offset = excluded.source_offset, received_at = now()
                    WHERE (excluded.labeled_at, excluded.source_partition, excluded.source_offset)
                        >= (current.labeled_at, current.source_partition, current.source_offset)
                    """)
            }
            for reject in rejects {
                try await RejectedMessage.insert(reject, schema: schema, on: connection)
            }
        }
    }
}
