/// An error from the `Postgres` module: a failed connection, a statement the server rejected,
/// a broken COPY, or a value that could not be decoded.
///
/// `description` is safe to log: it never contains a password, and it leaves out the server's
/// `detail`, which can quote row values (`Key (id)=(42) already exists.`). `debugDescription`
/// adds the detail and the hint.
public struct PostgresError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The kind of failure. New kinds may be added, so `switch` over it with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: Hashable, Sendable {
            case connectionFailed
            case connectionClosed
            case server
            case copyFailed
            case unexpectedResult
            case typeMismatch
            case launcherFailed
        }

        private let kind: Kind

        private init(_ kind: Kind) {
            self.kind = kind
        }

        /// The connection could not be established (or re-established within the reconnect deadline).
        public static let connectionFailed = Code(.connectionFailed)
        /// The connection broke, or was closed, while or before a call used it.
        public static let connectionClosed = Code(.connectionClosed)
        /// The server rejected a statement; ``PostgresError/sqlState`` says why.
        public static let server = Code(.server)
        /// A `COPY ... FROM STDIN` could not be started, fed or completed.
        public static let copyFailed = Code(.copyFailed)
        /// The server answered in a way the call did not expect (for example rows from `copyFrom`).
        public static let unexpectedResult = Code(.unexpectedResult)
        /// A column value is NULL or of a type that cannot be read as the requested Swift type.
        public static let typeMismatch = Code(.typeMismatch)
        /// ``EmbeddedPostgres`` could not find, initialise, start or stop the server.
        public static let launcherFailed = Code(.launcherFailed)

        /// A short name for the code, such as `connectionFailed`.
        public var description: String {
            switch kind {
            case .connectionFailed: "connectionFailed"
            case .connectionClosed: "connectionClosed"
            case .server: "server"
            case .copyFailed: "copyFailed"
            case .unexpectedResult: "unexpectedResult"
            case .typeMismatch: "typeMismatch"
            case .launcherFailed: "launcherFailed"
            }
        }
    }

    /// The kind of failure.
    public var code: Code
    /// The five-character SQLSTATE the server reported (`23505`, `42P01`, `57P01`...), if any.
    public var sqlState: String?
    /// What went wrong, in one line: the server's primary message, or this module's own.
    /// Passwords are removed from it.
    public var message: String
    /// The server's optional detail. It may contain row values, so it is only in `debugDescription`.
    public var detail: String?
    /// The server's optional hint on how to fix the problem.
    public var hint: String?
    /// The server the failed call talked to, as `host:port/database user=name` (never a password).
    public var target: String?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What went wrong; must not contain secrets.
    ///   - sqlState: The SQLSTATE, for server errors.
    ///   - detail: The server's detail, if any.
    ///   - hint: The server's hint, if any.
    ///   - target: The server, as `host:port/database user=name`.
    public init(
        _ code: Code,
        message: String,
        sqlState: String? = nil,
        detail: String? = nil,
        hint: String? = nil,
        target: String? = nil
    ) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.target = target
    }

    /// Whether the same call may succeed if it is tried again later, on a new or reset connection:
    /// connection failures and losses, SQLSTATE class 08 (connection exception), 40001
    /// (serialization failure), 40P01 (deadlock) and 57P01...57P03 (administrator shutdown,
    /// crash shutdown, cannot connect now).
    ///
    /// A retryable error inside a transaction means the whole transaction must be retried.
    public var isRetryable: Bool {
        if code == .connectionFailed || code == .connectionClosed {
            return true
        }
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || Self.retryableStates.contains(sqlState)
    }

    private static let retryableStates: Set<String> = ["40001", "40P01", "57P01", "57P02", "57P03"]

    /// A one-line summary that is safe to log: code, SQLSTATE, message and target.
    public var description: String {
        var text = "PostgresError.\(code)"
        if let sqlState {
            text += " [\(sqlState)]"
        }
        text += ": \(message)"
        if let target, !message.contains(target) {
            text += " (\(target))"
        }
        return text
    }

    /// `description` plus the server's detail and hint.
    public var debugDescription: String {
        var text = description
        if let detail {
            text += "\nDETAIL: \(detail)"
        }
        if let hint {
            text += "\nHINT: \(hint)"
        }
        return text
    }
}
