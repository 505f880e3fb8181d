import Postgres

/// Rows written straight into a migrated schema, as the worker and label ingestor would.
struct DashboardSeed {
    let connection: PostgresConnection
    let schema: String

    /// One scored transaction; times are RFC 3339 text.
    func scored(
        _ id: String, eventTime: String, scoredAt: String? = nil, flagged: Bool, account: String = "C000000001",
        counterparty: String = "M000000001", amount: Double = 10, type: String = "TRANSFER", score: Double? = nil,
        model: String = "v1", offset: Int = 0
    ) async throws {
        try await connection.execute("""
            INSERT INTO \(schema).scored_transactions (transaction_id, event_time, type, amount, account_from,
                old_balance_from, new_balance_from, account_to, old_balance_to, new_balance_to, features,
                feature_schema_version, score, flagged, model_version, kafka_partition, kafka_offset, scored_at)
            VALUES ($1, $2::timestamptz, $3, $4, $5, 100, 90, $6, 0, 0, '{}', 1, $7, $8, $9, 0, $10, $11::timestamptz)
            """, [
                .text(id), .text(eventTime), .text(type), .double(amount), .text(account), .text(counterparty),
                .double(score ?? (flagged ? 0.9 : 0.1)), .bool(flagged), .text(model), .int(offset), .text(scoredAt ?? eventTime),
            ])
    }

    /// The latest label of a transaction.
    func label(_ id: String, fraud: Bool) async throws {
        try await connection.execute(
            "INSERT INTO \(schema).labels (transaction_id, is_fraud, labeled_at) VALUES ($1, $2, now())", [.text(id), .bool(fraud)])
    }

    /// One rejected message.
    func rejected(partition: Int, offset: Int, reason: String, at time: String) async throws {
        try await connection.execute("""
            INSERT INTO \(schema).rejected_transactions (topic, kafka_partition, kafka_offset, reason_code, reason, payload, rejected_at)
            VALUES ('transactions', $1, $2, $3, 'test', '\\x00', $4::timestamptz)
            """, [.int32(Int32(partition)), .int(offset), .text(reason), .text(time)])
    }

    /// One worker status row, refreshed `secondsAgo` before the database's now.
    func worker(_ id: String, secondsAgo: Double, partitionLag: String, p99: Double, rejected: Int) async throws {
        try await connection.execute("""
            INSERT INTO \(schema).worker_status (worker_id, consumer_group, host, pid, started_at, updated_at, model_version,
                assigned_partitions, consumed, scored, written, flagged, rejected, late, duplicates, latency_p50_ms,
                latency_p99_ms, partition_lag)
            VALUES ($1, 'group-a', 'host-1', 4242, now() - interval '1 hour', now() - make_interval(secs => $2), 'v7',
                3, 1000, 990, 990, 12, $3, 2, 1, 4.5, $4, $5::jsonb)
            """, [.text(id), .double(secondsAgo), .int(rejected), .double(p99), .text(partitionLag)])
    }
}
