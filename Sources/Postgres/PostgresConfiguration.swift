/// Where and how a ``PostgresConnection`` connects.
///
/// The connection string is handed to libpq unchanged, so it accepts exactly what `psql` accepts:
/// a URL (`postgres://user:secret@db.example:5432/app?sslmode=verify-full`), a conninfo string
/// (`host=db.example port=5432 dbname=app sslmode=require`), or a bare database name. Whatever the
/// string leaves out comes from the standard environment (`PGHOST`, `PGPORT`, `PGDATABASE`,
/// `PGUSER`, `PGPASSWORD`, `PGPASSFILE`, `PGSSLMODE`, `PGCONNECT_TIMEOUT`, ...) and then libpq's
/// defaults; an empty string means "environment and defaults only". TLS is configured with
/// `sslmode` and the other `ssl*` parameters, which are passed through as well.
public struct PostgresConfiguration: Sendable {
    /// How a connection that broke is re-established.
    public struct Reconnect: Sendable {
        /// The pause after the first failed reconnection attempt; it doubles after each failure.
        public var initialBackoff: Duration = .milliseconds(100)
        /// The longest pause between two attempts.
        public var maximumBackoff: Duration = .seconds(5)
        /// How long to keep trying before the call fails with ``PostgresError/Code/connectionFailed``.
        /// Zero disables reconnection: a broken connection then fails every later call.
        public var deadline: Duration = .seconds(30)

        /// Creates the default policy: 100 ms doubling up to 5 s, for at most 30 s.
        public init() {}
    }

    /// A URL or conninfo string, as `psql` takes it. Empty means environment and libpq defaults.
    public var connectionString: String
    /// The connect timeout used when neither the connection string (`connect_timeout`) nor the
    /// environment (`PGCONNECT_TIMEOUT`) sets one. libpq rounds it to whole seconds (at least 2).
    public var connectTimeout: Duration = .seconds(5)
    /// How a broken connection is re-established.
    public var reconnect = Reconnect()

    /// Creates a configuration.
    /// - Parameter connectionString: A URL or conninfo string; empty (the default) uses only the
    ///   `PG*` environment variables and libpq's defaults, like `psql` without arguments.
    public init(_ connectionString: String = "") {
        self.connectionString = connectionString
    }
}
