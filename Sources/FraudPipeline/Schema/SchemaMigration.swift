/// One step of the database schema, applied once and recorded in `schema_migrations`.
public struct SchemaMigration: Sendable {
    /// The step's number; steps apply in increasing order.
    public var version: Int
    /// What the step does, for `fraudstream migrate` output and the `schema_migrations` table.
    public var name: String
    /// The SQL, run in one transaction with the schema on the `search_path`.
    public var sql: String

    /// Creates a migration step.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}
