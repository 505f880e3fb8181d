import Logging
import Synchronization
import Threading

/// A connection to PostgreSQL, over libpq.
///
/// Each connection owns a dedicated thread on which every libpq call runs, so blocking network
/// I/O never occupies Swift's cooperative thread pool; the async methods suspend until that
/// thread has finished their statement.
///
/// If the connection breaks (the server restarted, the network dropped), the next call notices it
/// before sending anything, reconnects with exponential backoff (``PostgresConfiguration/reconnect``)
/// and then runs. A statement that was already in flight when the connection broke is not retried:
/// it fails with a retryable ``PostgresError`` (it may or may not have been applied), and the call
/// after it reconnects. A connection lost inside a transaction is not silently replaced: the first
/// call after the loss fails with ``PostgresError/Code/connectionClosed``.
///
/// - Important: A connection runs one statement at a time and is meant to be used by one task at
///   a time; calls from several tasks are serialised, but they would interleave their statements
///   inside each other's transactions and COPYs. Use one connection per concurrent task.
public final class PostgresConnection: Sendable {
    let thread: DedicatedThread
    let connection: PQConnection
    private let reconnectPolicy: PostgresConfiguration.Reconnect
    private let logger: Logger
    private let inTransactionBlock = Atomic<Bool>(false)

    /// The server, as `host:port/database user=name`: safe to log, never contains a password.
    public let target: String

    private init(thread: DedicatedThread, connection: PQConnection, configuration: PostgresConfiguration, logger: Logger, target: String) {
        self.thread = thread
        self.connection = connection
        self.reconnectPolicy = configuration.reconnect
        self.logger = logger
        self.target = target
    }

    deinit {
        let connection = connection
        thread.submit { connection.finish() }
        thread.shutdown()
    }

    /// Opens a connection. Fails fast: a refused connection or a rejected password is reported at
    /// once, without retries.
    /// - Parameters:
    ///   - configuration: The connection string and policies; the default connects like `psql`
    ///     without arguments, from the `PG*` environment variables and libpq's defaults.
    ///   - logger: Receives connection state changes (connected, lost, reconnected) and server
    ///     notices; never a password.
    /// - Returns: An open connection.
    /// - Throws: ``PostgresError/Code/connectionFailed``, whose message names the server
    ///   (`host:port`) and the reason, such as `Connection refused` or
    ///   `password authentication failed for user "app"`.
    public static func connect(
        _ configuration: PostgresConfiguration = PostgresConfiguration(),
        logger: Logger = Logger(label: "fraudstream.postgres")
    ) async throws -> PostgresConnection {
        let thread = DedicatedThread(name: "postgres-connection") {
            PostgresError(.connectionClosed, message: "the connection is closed")
        }
        let connection = PQConnection(configuration: configuration, logger: logger)
        let target: String
        do {
            target = try await thread.run {
                try connection.connect()
                return connection.target
            }
        } catch {
            thread.submit { connection.finish() }
            thread.shutdown()
            throw error
        }
        var logger = logger
        logger[metadataKey: "postgres.target"] = "\(target)"
        logger.info("connected to PostgreSQL")
        return PostgresConnection(
            thread: thread,
            connection: connection,
            configuration: configuration,
            logger: logger,
            target: target
        )
    }

    /// Runs a query and returns its rows.
    /// - Parameters:
    ///   - sql: One SQL statement; `$1`, `$2`... refer to `parameters`.
    ///   - parameters: The parameter values; `nil` is SQL `NULL`.
    /// - Returns: The rows, whose values are read with ``PostgresRow/subscript(_:as:)-(Int,_)``.
    /// - Throws: ``PostgresError``: `server` with the SQLSTATE when the server rejects the
    ///   statement, `connectionClosed` if the connection broke while it ran, `connectionFailed` if
    ///   a broken connection could not be re-established in time.
    public func query(_ sql: String, _ parameters: [PostgresValue?] = []) async throws -> PostgresRows {
        let connection = connection
        let result = try await perform {
            try connection.execute(sql, parameters, allowMultipleStatements: false)
        }
        return PostgresRows(result: result, target: target)
    }

    /// Runs a statement that returns no rows of interest, and reports what it did.
    ///
    /// Without parameters, `sql` may hold several statements separated by semicolons (a migration
    /// script, for example); they run as one implicit transaction and the last one's result is
    /// returned.
    /// - Parameters:
    ///   - sql: The statement; `$1`, `$2`... refer to `parameters`.
    ///   - parameters: The parameter values; `nil` is SQL `NULL`.
    /// - Returns: The command tag and the number of rows affected.
    /// - Throws: ``PostgresError``, as ``query(_:_:)`` does.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [PostgresValue?] = []) async throws -> PostgresCommandResult {
        let connection = connection
        let result = try await perform {
            try connection.execute(sql, parameters, allowMultipleStatements: true)
        }
        return PostgresCommandResult(commandTag: result.commandTag, affectedRows: result.affectedRows)
    }

    /// Runs `body` inside a transaction: commits if it returns, rolls back if it throws.
    ///
    /// ```swift
    /// try await connection.withTransaction { connection in
    ///     try await connection.execute("UPDATE accounts SET balance = balance - $1 WHERE id = $2", [.double(amount), .int64(from)])
    ///     try await connection.execute("UPDATE accounts SET balance = balance + $1 WHERE id = $2", [.double(amount), .int64(to)])
    /// }
    /// ```
    /// - Parameters:
    ///   - isolation: The caller's isolation, inherited by `body`.
    ///   - body: The work to do; it must use the connection it is given and no other task may use
    ///     the connection meanwhile.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws (after rolling back), a ``PostgresError`` from `BEGIN` or
    ///   `COMMIT`, or `unexpectedResult` if the transaction was already aborted by a failed
    ///   statement whose error `body` caught, or if transactions are nested.
    /// - Important: If the connection breaks during `COMMIT`, the outcome is unknown; the error is
    ///   retryable, so make the transaction safe to repeat.
    @discardableResult
    public func withTransaction<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        guard !inTransactionBlock.exchange(true, ordering: .acquiringAndReleasing) else {
            throw PostgresError(.unexpectedResult, message: "withTransaction cannot be nested; use SAVEPOINT", target: target)
        }
        defer { inTransactionBlock.store(false, ordering: .releasing) }
        try await execute("BEGIN")
        let result: Result
        do {
            result = try await body(self)
        } catch {
            let connection = connection
            _ = try? await thread.run { connection.rollbackAfterFailure() }
            throw error
        }
        let commit = try await execute("COMMIT")
        // COMMIT of a transaction in which a statement failed rolls back and says so in its tag.
        guard commit.commandTag == "COMMIT" else {
            throw PostgresError(
                .unexpectedResult,
                message: "the transaction was rolled back because a statement inside it failed",
                target: target
            )
        }
        return result
    }

    /// Closes the connection. Later calls fail with ``PostgresError/Code/connectionClosed``.
    /// Closing twice is harmless.
    public func close() async {
        let connection = connection
        _ = try? await thread.run { connection.finish() }
        thread.shutdown()
        logger.debug("closed the PostgreSQL connection")
    }

    /// Runs `operation` on the connection's thread; if it finds the connection broken before
    /// sending anything, reconnects and runs it again.
    func perform<Value: Sendable>(
        _ operation: @escaping @Sendable () throws -> PQAttempt<Value>
    ) async throws -> Value {
        try Task.checkCancellation()
        var deadline: ContinuousClock.Instant?
        while true {
            switch try await thread.run(operation) {
            case .done(let value):
                return value
            case .needsReconnect:
                let limit = deadline ?? .now + reconnectPolicy.deadline
                deadline = limit
                try await reconnect(until: limit)
            }
        }
    }

    private func reconnect(until deadline: ContinuousClock.Instant) async throws {
        guard reconnectPolicy.deadline > .zero else {
            throw PostgresError(.connectionClosed, message: "the connection to \(target) was lost", target: target)
        }
        logger.warning("lost the connection to PostgreSQL; reconnecting")
        let connection = connection
        var backoff = reconnectPolicy.initialBackoff
        var attempt = 0
        while true {
            attempt += 1
            do {
                try await thread.run { try connection.connect() }
                logger.info("reconnected to PostgreSQL", metadata: ["postgres.attempts": "\(attempt)"])
                return
            } catch let error as PostgresError where error.code == .connectionFailed {
                guard ContinuousClock.now + backoff < deadline else {
                    logger.error("could not reconnect to PostgreSQL", metadata: ["error": "\(error)"])
                    throw PostgresError(
                        .connectionFailed,
                        message: "gave up reconnecting after \(attempt == 1 ? "1 attempt" : "\(attempt) attempts"): \(error.message)",
                        target: target
                    )
                }
                logger.debug("reconnection attempt failed", metadata: ["error": "\(error)"])
                try await Task.sleep(for: backoff)
                backoff = min(backoff * 2, reconnectPolicy.maximumBackoff)
            }
        }
    }
}
