extension SchemaMigration {
    /// Every step of the schema, in order. Steps are never edited once released: a change is
    /// a new step.
    public static let all: [SchemaMigration] = [tables, monitoringViews]

    /// The tables the worker writes and analysts read, with the indexes their queries need.
    static let tables = SchemaMigration(
        version: 1,
        name: "tables for scored transactions, labels, rejects, offsets, checkpoints and models",
        sql: """
            CREATE TABLE scored_transactions (
                transaction_id text PRIMARY KEY,
                event_time timestamptz NOT NULL,
                type text NOT NULL,
                amount double precision NOT NULL,
                account_from text NOT NULL,
                old_balance_from double precision NOT NULL,
                new_balance_from double precision NOT NULL,
                account_to text NOT NULL,
                old_balance_to double precision NOT NULL,
                new_balance_to double precision NOT NULL,
                features double precision[] NOT NULL,
                feature_schema_version integer NOT NULL,
                score double precision NOT NULL,
                flagged boolean NOT NULL,
                model_version text NOT NULL,
                kafka_partition integer NOT NULL,
                kafka_offset bigint NOT NULL,
                scored_at timestamptz NOT NULL
            );
            CREATE INDEX scored_transactions_event_time ON scored_transactions (event_time);
            CREATE INDEX scored_transactions_account ON scored_transactions (account_from, event_time);
            CREATE INDEX scored_transactions_flagged ON scored_transactions (event_time) WHERE flagged;

            -- A transaction id seen again at another offset: recorded, never a failed batch.
            CREATE TABLE duplicate_transactions (
                transaction_id text NOT NULL,
                kafka_partition integer NOT NULL,
                kafka_offset bigint NOT NULL,
                seen_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (kafka_partition, kafka_offset)
            );

            CREATE TABLE rejected_transactions (
                topic text NOT NULL,
                kafka_partition integer NOT NULL,
                kafka_offset bigint NOT NULL,
                reason_code text NOT NULL,
                reason text NOT NULL,
                payload bytea NOT NULL,
                rejected_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (topic, kafka_partition, kafka_offset)
            );

            -- The latest label per transaction (by labeled_at) wins.
            CREATE TABLE labels (
                transaction_id text PRIMARY KEY,
                is_fraud boolean NOT NULL,
                fraud_type text,
                labeled_at timestamptz NOT NULL,
                received_at timestamptz NOT NULL DEFAULT now()
            );

            -- Progress is kept here, in the same transaction as the rows it covers.
            CREATE TABLE stream_offsets (
                consumer_group text NOT NULL,
                topic text NOT NULL,
                kafka_partition integer NOT NULL,
                next_offset bigint NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (consumer_group, topic, kafka_partition)
            );

            CREATE TABLE partition_checkpoints (
                consumer_group text NOT NULL,
                topic text NOT NULL,
                kafka_partition integer NOT NULL,
                state_offset bigint NOT NULL,
                feature_schema_version integer NOT NULL,
                state bytea NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (consumer_group, topic, kafka_partition)
            );

            CREATE TABLE models (
                version text PRIMARY KEY,
                kind text NOT NULL,
                feature_schema text NOT NULL,
                feature_schema_version integer NOT NULL,
                threshold double precision NOT NULL,
                metrics jsonb NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now()
            );

            CREATE VIEW flagged_transactions AS
                SELECT transaction_id, event_time, type, amount, account_from, account_to,
                       old_balance_from, new_balance_from, score, model_version, scored_at
                FROM scored_transactions
                WHERE flagged;
            """
    )

    /// Online model monitoring against the latest labels. TP = flagged and fraud,
    /// FP = flagged and not fraud, FN = not flagged and fraud, TN = neither; transactions
    /// without a label are left out of the ratios.
    static let monitoringViews = SchemaMigration(
        version: 2,
        name: "monitoring views: quality per 15 minutes, predicted and labelled fraud per minute",
        sql: """
            CREATE VIEW model_quality_15m AS
                SELECT window_start,
                       labelled,
                       true_positives, false_positives, false_negatives, true_negatives,
                       true_positives::double precision / NULLIF(true_positives + false_positives, 0) AS precision,
                       true_positives::double precision / NULLIF(true_positives + false_negatives, 0) AS recall,
                       (true_positives + true_negatives)::double precision / NULLIF(labelled, 0) AS accuracy
                FROM (
                    SELECT date_bin('15 minutes', s.event_time, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS window_start,
                           count(*) AS labelled,
                           count(*) FILTER (WHERE s.flagged AND l.is_fraud) AS true_positives,
                           count(*) FILTER (WHERE s.flagged AND NOT l.is_fraud) AS false_positives,
                           count(*) FILTER (WHERE NOT s.flagged AND l.is_fraud) AS false_negatives,
                           count(*) FILTER (WHERE NOT s.flagged AND NOT l.is_fraud) AS true_negatives
                    FROM scored_transactions s
                    JOIN labels l ON l.transaction_id = s.transaction_id
                    GROUP BY 1
                ) counts;

            CREATE VIEW fraud_per_minute AS
                SELECT date_bin('1 minute', s.event_time, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS minute,
                       count(*) AS scored,
                       count(*) FILTER (WHERE s.flagged) AS predicted_fraud,
                       count(*) FILTER (WHERE l.is_fraud) AS labelled_fraud
                FROM scored_transactions s
                LEFT JOIN labels l ON l.transaction_id = s.transaction_id
                GROUP BY 1;
            """
    )
}
