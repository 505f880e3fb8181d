import FraudPipeline
import Postgres
import TestSupport
import Testing

@Suite("Schema migrations")
struct SchemaMigratorTests {
    @Test("migrating twice applies every step once and leaves the same schema")
    func idempotent() async throws {
        let connection = try await TestDatabase.connect()
        let migrator = try SchemaMigrator(schema: TestDatabase.uniqueName("schema"))
        #expect(try await migrator.appliedVersions(connection).isEmpty)
        let first = try await migrator.migrate(connection)
        #expect(first.map(\.version) == SchemaMigration.all.map(\.version))
        let second = try await migrator.migrate(connection)
        #expect(second.isEmpty)
        #expect(try await migrator.appliedVersions(connection) == SchemaMigration.all.map(\.version))
        let tables = try await connection.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name", [.text(migrator.schema)]
        ).map { try $0[0, as: String.self] }
        for table in ["scored_transactions", "labels", "rejected_transactions", "stream_offsets", "partition_checkpoints", "models",
            "flagged_transactions", "model_quality_15m", "fraud_per_minute"]
        {
            #expect(tables.contains(table), "missing \(table)")
        }
        try await connection.execute("DROP SCHEMA \(migrator.schema) CASCADE")
        await connection.close()
    }

    @Test("several workers migrating at once: one applies each step, none fails")
    func concurrentMigrations() async throws {
        let migrator = try SchemaMigrator(schema: TestDatabase.uniqueName("schema"))
        let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let connection = try await TestDatabase.connect()
                    let applied = try await migrator.migrate(connection).map(\.version)
                    await connection.close()
                    return applied
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(applied.sorted() == SchemaMigration.all.map(\.version))
        let connection = try await TestDatabase.connect()
        try await connection.execute("DROP SCHEMA \(migrator.schema) CASCADE")
        await connection.close()
    }

    @Test("a schema name that is not a plain identifier is refused with the rule")
    func badSchemaName() {
        #expect(throws: SchemaError.self) { try SchemaMigrator(schema: "fraud; DROP TABLE x") }
        #expect(throws: SchemaError.self) { try SchemaMigrator(schema: "Fraud") }
    }
}
