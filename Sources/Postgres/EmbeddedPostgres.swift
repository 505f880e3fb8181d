import Foundation
import Logging

/// A private PostgreSQL server in a data folder of its own, for demos and tests.
///
/// ``start()`` initialises the folder with `initdb` on first use (trust authentication, UTF-8,
/// locale C, the configured superuser) and reuses it afterwards, starts the server with `pg_ctl`
/// on a free port of 127.0.0.1 (no Unix socket), creates the database, and returns its URL. A
/// server that an earlier process left running on the folder is adopted rather than started twice.
/// When this process runs as root, the server programs run as the `postgres` system user (via
/// `runuser`), which then owns the data folder.
///
/// ```swift
/// let server = EmbeddedPostgres()
/// let url = try await server.start()
/// let connection = try await PostgresConnection.connect(PostgresConfiguration(url))
/// // ...
/// try await server.stop()
/// ```
///
/// - Important: The server outlives this object and the process unless ``stop()`` is called;
///   call it on shutdown (and in every test that starts one). Calls are serialised.
public actor EmbeddedPostgres {
    /// Where the server keeps its data and how it runs.
    public struct Configuration: Sendable {
        /// The data folder, relative to the current directory unless absolute.
        public var dataDirectory = ".fraudstream/postgres"
        /// The database that ``EmbeddedPostgres/start()`` creates and the URL names.
        public var database = "fraudstream"
        /// The superuser `initdb` creates; it logs in without a password from 127.0.0.1.
        public var superuser = "fraudstream"
        /// The TCP port; nil picks a free one at each start.
        public var port: Int?
        /// The folder holding `initdb` and `pg_ctl`; nil looks in `$PG_BINDIR`, then the newest
        /// `/usr/lib/postgresql/<version>/bin`, then `PATH`.
        public var binaryDirectory: String?
        /// The system user the server runs as when this process is root.
        public var systemUser = "postgres"
        /// Server settings passed as `-c name=value`, such as `["fsync": "off"]`.
        public var settings: [String: String] = [:]
        /// How long `pg_ctl` may wait for the server to start or stop.
        public var timeout: Duration = .seconds(60)

        /// Creates the default configuration: `.fraudstream/postgres`, database and superuser
        /// `fraudstream`, a free port.
        public init() {}
    }

    private let configuration: Configuration
    private let logger: Logger
    private var port: Int?
    private var lastOperation: Task<Void, Never>?

    /// The data folder's absolute path.
    public nonisolated let dataDirectory: String

    /// Creates a launcher; nothing runs until ``start()``.
    /// - Parameters:
    ///   - configuration: The data folder, names, port and settings.
    ///   - logger: Receives one line per start, stop and restart.
    public init(_ configuration: Configuration = Configuration(), logger: Logger = Logger(label: "fraudstream.postgres.embedded")) {
        self.configuration = configuration
        self.logger = logger
        self.dataDirectory = URL(fileURLWithPath: configuration.dataDirectory).standardizedFileURL.path
    }

    /// The server's (postmaster's) process id while it runs, from `postmaster.pid` in the data
    /// folder; nil when it is stopped or the file cannot be read. Its backends are its children.
    public nonisolated var serverProcessID: Int32? {
        guard let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8),
              let first = text.split(separator: "\n").first
        else { return nil }
        return Int32(first.trimmingCharacters(in: .whitespaces))
    }

    /// The database's URL while the server runs, as
    /// `postgres://<superuser>@127.0.0.1:<port>/<database>`; nil when it is stopped.
    public var url: String? {
        port.map { url(port: $0) }
    }

    /// Starts the server if it is not running, creating the data folder and database as needed.
    /// - Returns: The database's URL, as ``url``.
    /// - Throws: ``PostgresError/Code/launcherFailed`` with the reason (programs missing, folder not
    ///   reachable, the server's log if it did not start).
    @discardableResult
    public func start() async throws -> String {
        try await serially { server in try await server.startNow() }
    }

    /// Restarts the server on the same port (fast shutdown: open connections are closed, and their
    /// next call reconnects).
    /// - Throws: ``PostgresError/Code/launcherFailed`` if it is not running or does not come back.
    public func restart() async throws {
        try await serially { server in try await server.restartNow() }
    }

    /// Stops the server (fast shutdown) if it runs. Calling it again, or before ``start()``, does
    /// nothing.
    /// - Throws: ``PostgresError/Code/launcherFailed`` if `pg_ctl` could not stop it.
    public func stop() async throws {
        try await serially { server in try await server.stopNow() }
    }

    /// Runs one operation after the previous one has finished, so that concurrent callers never
    /// interleave `pg_ctl` runs (actor methods can interleave at every `await`).
    private func serially<Value: Sendable>(
        _ operation: @escaping @Sendable (isolated EmbeddedPostgres) async throws -> Value
    ) async throws -> Value {
        let previous = lastOperation
        let task = Task {
            await previous?.value
            return try await operation(self)
        }
        lastOperation = Task { _ = await task.result }
        return try await task.value
    }

    private func startNow() async throws -> String {
        if let port { return url(port: port) }
        let installation = try PGInstallation.locate(explicitDirectory: configuration.binaryDirectory)
        let folder = try PGDataFolder.resolve(dataDirectory, systemUser: configuration.systemUser)
        try folder.prepare()
        if !folder.isInitialised {
            try await command(installation.initdb, [
                "-D", folder.path, "-U", configuration.superuser, "--auth=trust",
                "--encoding=UTF8", "--locale=C",
            ], folder).runChecked("initialise the data folder \(folder.path)")
            logger.info("initialised a PostgreSQL data folder", metadata: ["postgres.data": "\(folder.path)"])
        }
        let port: Int
        if let running = try await runningPort(installation, folder) {
            port = running
            logger.info("adopted the PostgreSQL server already running on the data folder", metadata: ["postgres.port": "\(port)"])
        } else {
            port = try configuration.port ?? freeLoopbackPort()
            let outcome = try await pgCtl(installation, folder, ["start", "-w", "-l", folder.logFile, "-o", serverOptions(port: port)]).run()
            guard outcome.status == 0 else {
                let log = PGCommand.tail((try? String(contentsOfFile: folder.logFile, encoding: .utf8)) ?? "", lines: 5)
                throw PostgresError(
                    .launcherFailed,
                    message: "could not start PostgreSQL on port \(port): \(PGCommand.tail(outcome.output, lines: 3))\nserver log \(folder.logFile):\n\(log)"
                )
            }
            logger.info("started PostgreSQL", metadata: ["postgres.port": "\(port)", "postgres.data": "\(folder.path)"])
        }
        self.port = port
        try await createDatabase(port: port)
        return url(port: port)
    }

    private func restartNow() async throws {
        guard let port else {
            throw PostgresError(.launcherFailed, message: "cannot restart PostgreSQL: it was not started")
        }
        let installation = try PGInstallation.locate(explicitDirectory: configuration.binaryDirectory)
        let folder = try PGDataFolder.resolve(dataDirectory, systemUser: configuration.systemUser)
        try await pgCtl(installation, folder, ["restart", "-w", "-m", "fast", "-l", folder.logFile, "-o", serverOptions(port: port)])
            .runChecked("restart PostgreSQL (server log \(folder.logFile))")
        logger.info("restarted PostgreSQL", metadata: ["postgres.port": "\(port)"])
    }

    private func stopNow() async throws {
        guard port != nil else { return }
        let installation = try PGInstallation.locate(explicitDirectory: configuration.binaryDirectory)
        let folder = try PGDataFolder.resolve(dataDirectory, systemUser: configuration.systemUser)
        let outcome = try await pgCtl(installation, folder, ["stop", "-w", "-m", "fast"]).run()
        // Status 3 from `pg_ctl status`: no server runs there, which is what stop wants.
        if outcome.status != 0, try await runningPort(installation, folder) != nil {
            throw PostgresError(
                .launcherFailed,
                message: "could not stop PostgreSQL: pg_ctl exited with status \(outcome.status): \(PGCommand.tail(outcome.output))"
            )
        }
        port = nil
        logger.info("stopped PostgreSQL", metadata: ["postgres.data": "\(folder.path)"])
    }

    /// The port of a server running on the folder, if `pg_ctl status` finds one.
    private func runningPort(_ installation: PGInstallation, _ folder: PGDataFolder) async throws -> Int? {
        guard folder.recordedPort() != nil else { return nil }
        let status = try await pgCtl(installation, folder, ["status"]).run()
        return status.status == 0 ? folder.recordedPort() : nil
    }

    private func createDatabase(port: Int) async throws {
        var maintenance = PostgresConfiguration(url(port: port, database: "postgres"))
        maintenance.reconnect.deadline = .zero
        let connection = try await PostgresConnection.connect(maintenance, logger: logger)
        do {
            let existing = try await connection.query("SELECT 1 FROM pg_database WHERE datname = $1", [.text(configuration.database)])
            if existing.isEmpty {
                let identifier = "\"" + configuration.database.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                try await connection.execute("CREATE DATABASE \(identifier)")
                logger.info("created database", metadata: ["postgres.database": "\(configuration.database)"])
            }
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }

    private func url(port: Int, database: String? = nil) -> String {
        let user = configuration.superuser.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed) ?? configuration.superuser
        let name = database ?? configuration.database
        let path = name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? name
        return "postgres://\(user)@127.0.0.1:\(port)/\(path)"
    }

    /// The postmaster's options. pg_ctl hands them to a shell, so values are single-quoted.
    private func serverOptions(port: Int) -> String {
        let settings = ["listen_addresses": "127.0.0.1", "unix_socket_directories": ""]
            .merging(configuration.settings) { _, custom in custom }
        let quoted = settings.sorted { $0.key < $1.key }.map { name, value in
            "-c \(name)='\(value.replacingOccurrences(of: "'", with: #"'\''"#))'"
        }
        return (["-p \(port)"] + quoted).joined(separator: " ")
    }

    private func pgCtl(_ installation: PGInstallation, _ folder: PGDataFolder, _ arguments: [String]) -> PGCommand {
        let timeout = String(max(1, configuration.timeout.components.seconds))
        return command(installation.pgCtl, arguments + ["-D", folder.path, "-t", timeout], folder)
    }

    private func command(_ executable: String, _ arguments: [String], _ folder: PGDataFolder) -> PGCommand {
        PGCommand(executable: executable, arguments: arguments, user: folder.owner?.name)
    }
}
