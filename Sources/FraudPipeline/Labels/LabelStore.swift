import FraudCore
import Postgres

/// Writes labels to the `labels` table, the latest label of each transaction winning, and
/// undecodable label messages to `rejected_transactions`.
///
/// A batch is one database transaction: labels are copied into a temporary table, reduced to
/// the latest per transaction id, and upserted with `ON CONFLICT ... WHERE excluded.labeled_at
/// >= labels.labeled_at`, so replaying a batch, or receiving labels out of order, gives the same
/// table.
public struct LabelStore: Sendable {
    /// The PostgreSQL schema holding the tables.
    public var schema: String

    /// Creates a store for `schema` (already migrated).
    public init(schema: String) {
        self.schema = schema
    }

    /// Writes `labels` and `rejects` in one database transaction.
    ///
    /// - Throws: ``PostgresError`` from the server; nothing is written then.
    public func write(_ labels: [Label], rejects: [RejectedMessage], on connection: PostgresConnection) async throws {
        guard !labels.isEmpty || !rejects.isEmpty else { return }
        let schema = self.schema
        var encoder = PostgresBinaryCopyEncoder(capacity: 64 + labels.count * 64)
        for label in labels {
            encoder.beginRow(fieldCount: 4)
            encoder.append(label.id)
            encoder.append(label.isFraud)
            if let fraudType = label.fraudType { encoder.append(fraudType) } else { encoder.appendNull() }
            encoder.appendTimestamp(microsecondsSince1970: label.labeledAt.millisecondsSinceEpoch * 1000)
        }
        encoder.finish()
        let rows = encoder.buffer
        try await connection.withTransaction { connection in
            if !labels.isEmpty {
                try await connection.execute("""
                    CREATE TEMP TABLE IF NOT EXISTS label_batch
                        (transaction_id text, is_fraud boolean, fraud_type text, labeled_at timestamptz) ON COMMIT DELETE ROWS
                    """)
                _ = try await connection.copyFrom("COPY label_batch FROM STDIN (FORMAT binary)") { writer in
                    try await writer.write(rows)
                }
                try await connection.execute("""
                    INSERT INTO \(schema).labels AS current (transaction_id, is_fraud, fraud_type, labeled_at)
                    SELECT DISTINCT ON (transaction_id) transaction_id, is_fraud, fraud_type, labeled_at
                    FROM label_batch ORDER BY transaction_id, labeled_at DESC
                    ON CONFLICT (transaction_id) DO UPDATE
                    SET is_fraud = excluded.is_fraud, fraud_type = excluded.fraud_type,
                        labeled_at = excluded.labeled_at, received_at = now()
                    WHERE excluded.labeled_at >= current.labeled_at
                    """)
            }
            for reject in rejects {
                try await RejectedMessage.insert(reject, schema: schema, on: connection)
            }
        }
    }
}
