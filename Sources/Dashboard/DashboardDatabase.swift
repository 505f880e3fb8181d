import Logging
import Postgres

/// The dashboard's one connection to PostgreSQL: opened on first use, shared by every request,
/// and opened afresh on the next request after it failed.
///
/// Requests are few and short (a page refreshing every few seconds), so one connection, whose
/// dedicated thread runs their statements one after another, is enough; the dashboard never
/// opens a connection per request. ``PostgresConnection`` itself reconnects a broken connection
/// before its next statement; when that fails too, the connection is dropped here and the next
/// request connects again, so a database that comes back is picked up without a restart.
actor DashboardDatabase {
    private let configuration: PostgresConfiguration
    private let logger: Logger
    private var connection: PostgresConnection?
    private var connecting: Task<PostgresConnection, any Error>?

    /// Creates the connection holder; nothing connects until the first query.
    /// - Parameters:
    ///   - configuration: Where to connect.
    ///   - logger: Receives connection state changes.
    init(configuration: PostgresConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs one statement.
    /// - Throws: ``PostgresError``; after a connection failure the next call connects again.
    func query(_ sql: String, _ parameters: [PostgresValue?] = []) async throws -> PostgresRows {
        let connection = try await open()
        do {
            return try await connection.query(sql, parameters)
        } catch let error as PostgresError where error.code == .connectionFailed || error.code == .connectionClosed {
            if self.connection === connection {
                self.connection = nil
                Task { await connection.close() }
            }
            throw error
        }
    }

    /// Closes the connection, if one is open. A later query opens a new one.
    func close() async {
        let open = connection
        connection = nil
        await open?.close()
    }

    private func open() async throws -> PostgresConnection {
        if let connection { return connection }
        // Requests arriving while a connection is being opened wait for that one.
        if let connecting { return try await connecting.value }
        let (configuration, logger) = (configuration, logger)
        let task = Task { try await PostgresConnection.connect(configuration, logger: logger) }
        connecting = task
        defer { connecting = nil }
        let opened = try await task.value
        connection = opened
        return opened
    }
}
