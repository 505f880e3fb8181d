import Logging
import Postgres

/// Brings a database schema up to date with ``SchemaMigration/all``.
///
/// Safe to run from several workers starting together: the steps run in one transaction that
/// first takes a transaction-scoped advisory lock, so one process migrates and the others find
/// the work done. Idempotent: applied steps are recorded in `schema_migrations` and skipped.
public struct SchemaMigrator: Sendable {
    /// The PostgreSQL schema (namespace) that holds fraudstream's tables.
    public var schema: String
    /// The steps to apply, in order.
    public var migrations: [SchemaMigration]

    /// Creates a migrator for `schema`.
    ///
    /// - Throws: ``SchemaError`` when `schema` is not a plain lower-case identifier.
    public init(schema: String = "fraudstream", migrations: [SchemaMigration] = SchemaMigration.all) throws {
        guard let first = schema.unicodeScalars.first, ("a"..."z").contains(first) || first == "_",
            schema.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }),
            schema.count <= 63
        else {
            throw SchemaError("schema name must be a lower-case identifier (letters, digits, _; at most 63 characters), got \"\(schema)\"")
        }
        self.schema = schema
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Applies the steps the database lacks.
    ///
    /// - Returns: the steps applied by this call (empty when the schema was up to date).
    /// - Throws: ``PostgresError`` from the server; nothing is applied then.
    @discardableResult
    public func migrate(_ connection: PostgresConnection, logger: Logger = Logger(label: "fraudstream.schema")) async throws -> [SchemaMigration] {
        let schema = self.schema
        let migrations = self.migrations
        let applied = try await connection.withTransaction { connection in
            _ = try await connection.query("SELECT pg_advisory_xact_lock(hashtext($1))", [.text("fraudstream-migrations:\(schema)")])
            try await connection.execute("CREATE SCHEMA IF NOT EXISTS \(schema)")
            try await connection.execute("SET LOCAL search_path TO \(schema)")
            try await connection.execute("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
            let done = Set(try await connection.query("SELECT version FROM schema_migrations").map { try $0[0, as: Int.self] })
            var applied: [SchemaMigration] = []
            for migration in migrations where !done.contains(migration.version) {
                try await connection.execute(migration.sql)
                try await connection.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [.int(migration.version), .text(migration.name)])
                applied.append(migration)
            }
            return applied
        }
        for migration in applied {
            logger.info("applied schema migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)", "schema": "\(schema)"])
        }
        return applied
    }

    /// The versions applied so far, in order (empty before the first migration).
    public func appliedVersions(_ connection: PostgresConnection) async throws -> [Int] {
        let exists = try await connection.query("SELECT to_regclass($1) IS NOT NULL", [.text("\(schema).schema_migrations")])
        guard try exists[0][0, as: Bool.self] else { return [] }
        return try await connection.query("SELECT version FROM \(schema).schema_migrations ORDER BY version").map { try $0[0, as: Int.self] }
    }
}

/// A schema setting was invalid.
public struct SchemaError: Error, Sendable, CustomStringConvertible {
    /// What was wrong and how to fix it.
    public var description: String

    init(_ description: String) { self.description = description }
}
