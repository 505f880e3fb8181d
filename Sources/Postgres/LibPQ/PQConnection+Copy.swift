import CLibPQ

extension PQConnection {
    /// Sends a `COPY ... FROM STDIN` statement and waits until the server is ready for data.
    /// - Throws: The server's error (a bad statement), or `unexpectedResult` if the statement is not
    ///   a `COPY ... FROM STDIN`.
    func startCopy(_ sql: String) throws -> PQAttempt<Void> {
        guard let handle = usableHandle() else { return try connectionUnavailable() }
        guard PQsendQueryParams(handle, sql, 0, nil, nil, nil, nil, 0) == 1 else {
            if PQstatus(handle) == CONNECTION_BAD { return try connectionUnavailable() }
            throw PostgresError(.copyFailed, message: errorMessage(handle), target: target)
        }
        guard let pointer = PQgetResult(handle) else {
            throw PostgresError(.copyFailed, message: "the server sent no result for COPY", target: target)
        }
        let first = PQResult(pointer)
        if PQresultStatus(pointer) == PGRES_COPY_IN {
            return .done(())
        }
        // Not a COPY FROM STDIN: read the rest of the results, reporting a server error if any.
        let failure =
            PQresultStatus(pointer) == PGRES_FATAL_ERROR
            ? error(from: first, handle: handle)
            : PostgresError(.unexpectedResult, message: "copyFrom needs a COPY ... FROM STDIN statement", target: target)
        _ = try? collectResults(handle)
        throw failure
    }

    /// Queues COPY data; blocks only while libpq's output buffer is full.
    /// - Throws: The server's error if it already rejected the data, else `copyFailed` or
    ///   `connectionClosed`.
    func putCopyData(_ bytes: UnsafeRawBufferPointer) throws {
        guard let handle, let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let length = Swift.min(bytes.count - offset, Int(Int32.max))
            let pointer = (base + offset).assumingMemoryBound(to: CChar.self)
            guard PQputCopyData(handle, pointer, Int32(length)) == 1 else {
                throw copyError(handle)
            }
            offset += length
        }
    }

    /// Ends the data stream and waits for the server to finish the COPY.
    /// - Returns: The number of rows copied.
    func endCopy() throws -> Int {
        guard let handle else {
            throw PostgresError(.connectionClosed, message: "the connection is closed", target: target)
        }
        guard PQputCopyEnd(handle, nil) == 1 else { throw copyError(handle) }
        return try collectResults(handle).affectedRows
    }

    /// Ends the data stream with an error, so the server discards every row of this COPY.
    func abortCopy(reason: String) {
        guard let handle, PQstatus(handle) == CONNECTION_OK else { return }
        if PQputCopyEnd(handle, reason) == 1 {
            _ = try? collectResults(handle)  // the expected "COPY from stdin failed" error
        }
    }

    /// Why writing COPY data failed: the server's own error if it has already sent one (bad data in
    /// an earlier chunk ends the COPY on the server), else libpq's message.
    private func copyError(_ handle: OpaquePointer) -> PostgresError {
        if PQstatus(handle) == CONNECTION_OK {
            do {
                _ = try collectResults(handle)
            } catch {
                return error
            }
        }
        let broken = PQstatus(handle) == CONNECTION_BAD
        return PostgresError(broken ? .connectionClosed : .copyFailed, message: errorMessage(handle), target: target)
    }
}
