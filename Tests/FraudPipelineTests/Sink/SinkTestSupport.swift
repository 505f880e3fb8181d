import FraudCore
import FraudPipeline
import Postgres
import TestSupport

/// Runs `body` with a sink on a fresh, migrated schema of the test database, and drops the
/// schema afterwards, also when `body` fails.
func withSink(
    _ body: (ScoredTransactionSink, PostgresConnection, String) async throws -> Void
) async throws {
    let connection = try await TestDatabase.connect()
    let migrator = try SchemaMigrator(schema: TestDatabase.uniqueName("sink"))
    try await migrator.migrate(connection)
    let sink = ScoredTransactionSink(connection: connection, schema: migrator.schema)
    do {
        try await body(sink, connection, migrator.schema)
    } catch {
        _ = try? await connection.execute("DROP SCHEMA \(migrator.schema) CASCADE")
        await connection.close()
        throw error
    }
    try await connection.execute("DROP SCHEMA \(migrator.schema) CASCADE")
    await connection.close()
}

/// A scored row whose every field derives from `partition` and `offset`, with awkward values
/// (negative zero, infinities, the smallest subnormal, thirds) among the features.
func scoredRow(id: String? = nil, partition: Int32, offset: Int64) -> ScoredTransaction {
    let seed = Double(offset) + Double(partition) * 1_000_003
    let special: [Double] = [-0.0, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
    let features = FeatureVector((0..<FeatureSchema.width).map { index in
        index < special.count && offset % 7 == 0 ? special[index] : seed / Double(index + 3) - Double(index)
    })
    let types = TransactionType.allCases
    let transaction = Transaction(
        id: id ?? "T-\(partition)-\(offset)",
        timestamp: EventTime(millisecondsSinceEpoch: 1_767_225_600_000 + offset * 997 + Int64(partition)),
        type: types[Int(offset) % types.count],
        amount: seed / 7,
        accountFrom: "C\(offset % 101)-é",
        oldBalanceFrom: seed * 1.5,
        newBalanceFrom: seed * 1.5 - seed / 7,
        accountTo: "M\(offset % 37)",
        oldBalanceTo: 0.1 + 0.2,
        newBalanceTo: -seed
    )
    return ScoredTransaction(
        transaction: transaction,
        features: features,
        featureSchemaVersion: 3,
        score: 1 / (1 + Double(offset % 13)),
        flagged: offset % 5 == 0,
        modelVersion: "gbt-\(partition)",
        partition: partition,
        offset: offset,
        scoredAt: EventTime(millisecondsSinceEpoch: 1_767_300_000_123 + offset)
    )
}

/// Rows `offsets` of `partition`, in offset order.
func scoredRows(partition: Int32, offsets: Range<Int64>) -> [ScoredTransaction] {
    offsets.map { scoredRow(partition: partition, offset: $0) }
}

/// The stored `scored_transactions`, ordered by partition and offset, read back into values.
func storedRows(_ connection: PostgresConnection, schema: String) async throws -> [ScoredTransaction] {
    let rows = try await connection.query("""
        SELECT transaction_id, (extract(epoch FROM event_time) * 1000)::bigint, type, amount, account_from,
               old_balance_from, new_balance_from, account_to, old_balance_to, new_balance_to, features::text,
               feature_schema_version, score, flagged, model_version, kafka_partition, kafka_offset,
               (extract(epoch FROM scored_at) * 1000)::bigint
        FROM \(schema).scored_transactions ORDER BY kafka_partition, kafka_offset
        """)
    return try rows.map { row in
        let text = try row[10, as: String.self]
        let values = text.dropFirst().dropLast().split(separator: ",").map { Double(String($0))! }
        return ScoredTransaction(
            transaction: Transaction(
                id: try row[0, as: String.self],
                timestamp: EventTime(millisecondsSinceEpoch: try row[1, as: Int64.self]),
                type: TransactionType(rawValue: try row[2, as: String.self])!,
                amount: try row[3, as: Double.self],
                accountFrom: try row[4, as: String.self],
                oldBalanceFrom: try row[5, as: Double.self],
                newBalanceFrom: try row[6, as: Double.self],
                accountTo: try row[7, as: String.self],
                oldBalanceTo: try row[8, as: Double.self],
                newBalanceTo: try row[9, as: Double.self]
            ),
            features: FeatureVector(values),
            featureSchemaVersion: try row[11, as: Int32.self],
            score: try row[12, as: Double.self],
            flagged: try row[13, as: Bool.self],
            modelVersion: try row[14, as: String.self],
            partition: try row[15, as: Int32.self],
            offset: try row[16, as: Int64.self],
            scoredAt: EventTime(millisecondsSinceEpoch: try row[17, as: Int64.self])
        )
    }
}

/// Whether two rows hold the same values, features compared bit for bit.
func sameRow(_ lhs: ScoredTransaction, _ rhs: ScoredTransaction) -> Bool {
    lhs.transaction == rhs.transaction && lhs.features.isBitwiseIdentical(to: rhs.features)
        && lhs.featureSchemaVersion == rhs.featureSchemaVersion && lhs.score.bitPattern == rhs.score.bitPattern
        && lhs.flagged == rhs.flagged && lhs.modelVersion == rhs.modelVersion && lhs.partition == rhs.partition
        && lhs.offset == rhs.offset && lhs.scoredAt == rhs.scoredAt
}

/// The committed next offsets of `group`/`topic`.
func committedOffsets(_ connection: PostgresConnection, schema: String, group: String = "workers", topic: String = "transactions") async throws -> [Int32: Int64] {
    try await OffsetStore(schema: schema).nextOffsets(group: group, topic: topic, on: connection)
}

/// The number of rows of `table` in `schema`.
func rowCount(_ connection: PostgresConnection, _ schema: String, _ table: String) async throws -> Int {
    try await connection.query("SELECT count(*) FROM \(schema).\(table)")[0][0, as: Int.self]
}
