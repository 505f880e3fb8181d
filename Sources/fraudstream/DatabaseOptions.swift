import ArgumentParser
import Foundation
import Postgres

/// Flags naming the PostgreSQL database, shared by every command that uses it.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("database-url"),
        help: ArgumentHelp(
            "PostgreSQL URL or conninfo string (default: $DATABASE_URL, then the PG* variables as psql reads them).",
            valueName: "url"))
    var databaseURL: String?

    @Option(help: "PostgreSQL schema holding fraudstream's tables (default: $FRAUDSTREAM_SCHEMA or fraudstream).")
    var schema: String = ProcessInfo.processInfo.environment["FRAUDSTREAM_SCHEMA"] ?? "fraudstream"

    /// The connection settings: the flag, else `DATABASE_URL`, else libpq's own defaults.
    var configuration: PostgresConfiguration {
        PostgresConfiguration(databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"] ?? "")
    }
}
