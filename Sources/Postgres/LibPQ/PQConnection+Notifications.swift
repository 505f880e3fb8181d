import CLibPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension PQConnection {
    /// Subscribes the session to `channel` (`LISTEN "channel"`).
    /// - Throws: ``PostgresError``: `connectionClosed` when the connection is not usable, or the
    ///   server's error.
    func listen(_ channel: String) throws {
        let quoted = "\"" + channel.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        switch try execute("LISTEN \(quoted)", [], allowMultipleStatements: true) {
        case .done: return
        case .needsReconnect:
            throw PostgresError(.connectionClosed, message: "the connection to \(target) was lost before LISTEN", target: target)
        }
    }

    /// The server process id of the session, or 0 when not connected.
    var backendProcessID: Int32 {
        handle.map { PQbackendPID($0) } ?? 0
    }

    /// Waits up to `timeoutMilliseconds` for the socket to become readable, reads what arrived
    /// and returns the notifications received so far (possibly none).
    ///
    /// - Throws: ``PostgresError/Code/connectionClosed`` when the connection is closed or broke
    ///   (the server went away, or terminated the session).
    /// - Important: Blocks for up to the timeout; call it only on the connection's own thread.
    func awaitNotifications(timeoutMilliseconds: Int32) throws -> [PostgresNotification] {
        guard let handle, PQstatus(handle) == CONNECTION_OK else { throw lost() }
        var received = collectNotifications(handle)
        guard received.isEmpty else { return received }
        var socket = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        let ready = poll(&socket, 1, timeoutMilliseconds)
        if ready < 0, errno != EINTR { throw lost() }
        if ready > 0 {
            // Also reads the FATAL message and end of file of a terminated session, which marks
            // the connection bad.
            guard PQconsumeInput(handle) == 1, PQstatus(handle) == CONNECTION_OK else { throw lost() }
            received = collectNotifications(handle)
        }
        return received
    }

    private func collectNotifications(_ handle: OpaquePointer) -> [PostgresNotification] {
        var received: [PostgresNotification] = []
        while let pointer = PQnotifies(handle) {
            let notification = pointer.pointee
            received.append(PostgresNotification(
                channel: String(cString: notification.relname),
                payload: notification.extra.map { String(cString: $0) } ?? "",
                senderProcessID: notification.be_pid))
            PQfreemem(pointer)
        }
        return received
    }

    private func lost() -> PostgresError {
        let reason = handle.map { errorMessage($0) } ?? ""
        return PostgresError(
            .connectionClosed,
            message: "the listening connection to \(target) was lost" + (reason.isEmpty ? "" : ": \(reason)"),
            target: target)
    }
}
