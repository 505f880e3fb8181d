import CLibPQ
import Foundation
import Logging

/// The result of a call that needs a working connection.
enum PQAttempt<Value: Sendable>: Sendable {
    /// The call ran; here is its result.
    case done(Value)
    /// The connection was found broken before the statement was sent, outside a transaction:
    /// nothing reached the server, so reconnecting and trying again is safe.
    case needsReconnect
}

/// Owns one libpq `PGconn`.
///
/// - Important: Every method blocks and must be called on the connection's own `DedicatedThread`, never
///   from two threads at once; ``PostgresConnection`` guarantees this by calling it only from jobs
///   on that thread. This is the reason for `@unchecked Sendable`.
final class PQConnection: @unchecked Sendable {
    private let keywords: [String]
    private let values: [String]
    private let logger: Logger
    private(set) var handle: OpaquePointer?
    private(set) var secrets: PQSecrets
    /// The server, as `host:port/database user=name`, for messages and logs.
    private(set) var target = "(not connected)"
    /// Whether the server held an open transaction for this session after the last completed call.
    private var inTransaction = false

    init(configuration: PostgresConfiguration, logger: Logger) {
        var keywords: [String] = []
        var values: [String] = []
        // PGCONNECT_TIMEOUT must win over our default, and libpq only reads it for unset keywords.
        if ProcessInfo.processInfo.environment["PGCONNECT_TIMEOUT"] == nil {
            let timeout = configuration.connectTimeout.components
            keywords.append("connect_timeout")
            values.append(String(max(1, timeout.seconds + (timeout.attoseconds > 0 ? 1 : 0))))
        }
        // With expand_dbname, a URL or conninfo string in `dbname` is expanded in place and its
        // settings override the ones before it; an empty one is ignored, leaving PG* and defaults.
        keywords.append("dbname")
        values.append(configuration.connectionString)
        self.keywords = keywords
        self.values = values
        self.logger = logger
        self.secrets = PQSecrets(connectionString: configuration.connectionString)
    }

    deinit {
        finish()
    }

    /// Connects, or reconnects with the same parameters after the connection broke.
    /// - Throws: ``PostgresError/Code/connectionFailed`` naming the server and libpq's reason.
    func connect() throws {
        let handle: OpaquePointer
        if let existing = self.handle {
            PQreset(existing)
            handle = existing
        } else {
            guard let created = withCStringArrays(keywords, values, { PQconnectdbParams($0, $1, 1) }) else {
                throw PostgresError(.connectionFailed, message: "libpq could not allocate a connection")
            }
            self.handle = created
            handle = created
            let receiver: PQnoticeReceiver = { context, result in
                guard let context, let result else { return }
                Unmanaged<PQConnection>.fromOpaque(context).takeUnretainedValue().logNotice(result)
            }
            PQsetNoticeReceiver(handle, receiver, Unmanaged.passUnretained(self).toOpaque())
        }
        secrets.add(PQpass(handle).map { String(cString: $0) })
        target = Self.describeTarget(handle)
        inTransaction = false
        guard PQstatus(handle) == CONNECTION_OK else {
            throw PostgresError(
                .connectionFailed,
                message: "could not connect to \(target): \(errorMessage(handle))",
                target: target
            )
        }
    }

    /// Closes the connection. Later calls find it broken.
    func finish() {
        if let handle {
            PQfinish(handle)
            self.handle = nil
        }
    }

    /// The handle, if the connection still works.
    ///
    /// A server that shuts down sends an idle connection a FATAL message and closes it; libpq only
    /// notices when it next reads. So whatever arrived while the connection sat idle is read and
    /// parsed here (an error message goes to the notice receiver; end of file marks the
    /// connection bad) before a statement is sent into a dead socket. The socket is polled with
    /// a zero timeout, so this never blocks.
    func usableHandle() -> OpaquePointer? {
        guard let handle, PQstatus(handle) == CONNECTION_OK else { return nil }
        var socket = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        var reads = 0
        while reads < 8, poll(&socket, 1, 0) > 0 {
            guard PQconsumeInput(handle) == 1 else { return nil }
            _ = PQisBusy(handle)  // parses what was read
            reads += 1
        }
        return PQstatus(handle) == CONNECTION_OK ? handle : nil
    }

    /// What a call does when it finds the connection broken before it sent anything.
    /// - Throws: ``PostgresError/Code/connectionClosed`` once if a transaction was open, because
    ///   silently continuing on a new session would run the rest of it outside the transaction.
    func connectionUnavailable<Value>() throws -> PQAttempt<Value> {
        guard inTransaction else { return .needsReconnect }
        inTransaction = false
        throw PostgresError(
            .connectionClosed,
            message: "the connection to \(target) was lost inside a transaction; the server rolled it back",
            target: target
        )
    }

    /// Ends the open transaction after a failure, without reconnecting: if the connection broke,
    /// the server has already rolled the transaction back. Errors are ignored, because the
    /// failure that led here is the one worth reporting.
    func rollbackAfterFailure() {
        guard let handle = usableHandle() else {
            inTransaction = false
            return
        }
        if PQsendQuery(handle, "ROLLBACK") == 1 {
            _ = try? collectResults(handle)
        }
    }

    /// Remembers whether the server now holds an open transaction for this session.
    func recordTransactionStatus(_ handle: OpaquePointer) {
        switch PQtransactionStatus(handle) {
        case PQTRANS_IDLE: inTransaction = false
        case PQTRANS_INTRANS, PQTRANS_INERROR: inTransaction = true
        default: break  // broken or busy: keep what was known before the call
        }
    }

    /// libpq's last error message, on one line, without passwords.
    func errorMessage(_ handle: OpaquePointer) -> String {
        oneLine(String(cString: PQerrorMessage(handle)))
    }

    /// An error from a failed result: a server error, or a lost connection if the socket broke.
    /// (``collectResults(_:)`` corrects the code if the connection breaks only after the error.)
    func error(from result: PQResult, handle: OpaquePointer) -> PostgresError {
        func field(_ code: Int32) -> String? {
            PQresultErrorField(result.pointer, code).map { secrets.redact(String(cString: $0)) }
        }
        return PostgresError(
            PQstatus(handle) == CONNECTION_BAD ? .connectionClosed : .server,
            message: field(PQDiagnostic.messagePrimary) ?? oneLine(String(cString: PQresultErrorMessage(result.pointer))),
            sqlState: field(PQDiagnostic.sqlState),
            detail: field(PQDiagnostic.messageDetail),
            hint: field(PQDiagnostic.messageHint),
            target: target
        )
    }

    private func oneLine(_ text: String) -> String {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        return secrets.redact(lines.filter { !$0.isEmpty }.joined(separator: " "))
    }

    private func logNotice(_ result: OpaquePointer) {
        let severity = PQresultErrorField(result, PQDiagnostic.severity).map { String(cString: $0) }
        let message = oneLine(String(cString: PQresultErrorMessage(result)))
        let level: Logger.Level = severity == "WARNING" ? .warning : .debug
        logger.log(level: level, "postgres notice: \(message)", metadata: ["postgres.target": "\(target)"])
    }

    private static func describeTarget(_ handle: OpaquePointer) -> String {
        func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
            pointer.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        // libpq knows no host when it rejected the connection string itself.
        guard let host = string(PQhost(handle)) else { return "(connection string rejected)" }
        return "\(host):\(string(PQport(handle)) ?? "?")/\(string(PQdb(handle)) ?? "?") user=\(string(PQuser(handle)) ?? "?")"
    }
}

/// The `PG_DIAG_*` field codes of `PQresultErrorField`, which Swift does not import because
/// they are character-literal macros.
private enum PQDiagnostic {
    static let severity = Int32(UInt8(ascii: "V"))
    static let sqlState = Int32(UInt8(ascii: "C"))
    static let messagePrimary = Int32(UInt8(ascii: "M"))
    static let messageDetail = Int32(UInt8(ascii: "D"))
    static let messageHint = Int32(UInt8(ascii: "H"))
}

/// Calls `body` with two NULL-terminated C string arrays that live for the duration of the call.
private func withCStringArrays<Result>(
    _ first: [String],
    _ second: [String],
    _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>) -> Result
) -> Result {
    let firstCopies = first.map { strdup($0) }
    let secondCopies = second.map { strdup($0) }
    defer {
        firstCopies.forEach { free($0) }
        secondCopies.forEach { free($0) }
    }
    let firstArray = firstCopies.map { UnsafePointer($0) } + [nil]
    let secondArray = secondCopies.map { UnsafePointer($0) } + [nil]
    return body(firstArray, secondArray)
}
