import CLibPQ

extension PQConnection {
    /// Sends one statement and waits for its result.
    ///
    /// With parameters (or `allowMultipleStatements` false) the statement goes through the extended
    /// protocol, one statement only; without, through the simple protocol, which accepts several
    /// statements separated by semicolons and returns the last one's result.
    /// - Throws: ``PostgresError`` with the server's SQLSTATE, or `connectionClosed` if the
    ///   connection broke while the statement was in flight (it may or may not have been applied).
    func execute(
        _ sql: String,
        _ parameters: [PostgresValue?],
        allowMultipleStatements: Bool
    ) throws -> PQAttempt<PQResult> {
        guard let handle = usableHandle() else { return try connectionUnavailable() }
        let sent =
            if allowMultipleStatements && parameters.isEmpty {
                PQsendQuery(handle, sql)
            } else {
                sendParameterized(handle, sql, parameters)
            }
        guard sent == 1 else {
            // A statement whose bytes did not all leave is never executed: the server waits for
            // the final Sync message before it commits anything.
            if PQstatus(handle) == CONNECTION_BAD { return try connectionUnavailable() }
            throw PostgresError(.unexpectedResult, message: errorMessage(handle), target: target)
        }
        return .done(try collectResults(handle))
    }

    /// Reads every result of the statement just sent: the first error wins, else the last result.
    func collectResults(_ handle: OpaquePointer) throws(PostgresError) -> PQResult {
        var last: PQResult?
        var failure: PostgresError?
        while let pointer = PQgetResult(handle) {
            let result = PQResult(pointer)
            switch PQresultStatus(pointer) {
            case PGRES_FATAL_ERROR:
                failure = failure ?? error(from: result, handle: handle)
            case PGRES_COPY_IN, PGRES_COPY_BOTH:
                PQputCopyEnd(handle, "COPY FROM STDIN is only supported through PostgresConnection.copyFrom")
                failure = failure ?? unsupportedCopy()
            case PGRES_COPY_OUT:
                var buffer: UnsafeMutablePointer<CChar>?
                while PQgetCopyData(handle, &buffer, 0) > 0 {
                    PQfreemem(buffer)
                }
                failure = failure ?? unsupportedCopy()
            default:
                last = result
            }
        }
        recordTransactionStatus(handle)
        if var failure {
            // A FATAL error such as 57P01 (administrator shutdown) arrives just before the socket
            // closes: the connection is gone, whatever the SQLSTATE.
            if PQstatus(handle) == CONNECTION_BAD {
                failure.code = .connectionClosed
            }
            throw failure
        }
        guard let last else {
            throw PostgresError(.unexpectedResult, message: "the server sent no result", target: target)
        }
        return last
    }

    private func unsupportedCopy() -> PostgresError {
        PostgresError(
            .unexpectedResult,
            message: "COPY TO STDOUT and COPY FROM STDIN through query/execute are not supported; use copyFrom",
            target: target
        )
    }

    /// Sends a statement through the extended protocol, with all parameter values packed into one
    /// buffer: numbers, booleans, bytea and timestamps in binary format, text as text.
    private func sendParameterized(_ handle: OpaquePointer, _ sql: String, _ parameters: [PostgresValue?]) -> Int32 {
        var bytes: [UInt8] = []
        var offsets: [Int?] = []
        var types: [Oid] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        offsets.reserveCapacity(parameters.count)
        types.reserveCapacity(parameters.count)
        lengths.reserveCapacity(parameters.count)
        formats.reserveCapacity(parameters.count)
        for parameter in parameters {
            guard let parameter else {
                offsets.append(nil)
                types.append(PostgresDataType.unknown.rawValue)
                lengths.append(0)
                formats.append(0)
                continue
            }
            let start = bytes.count
            var binary = true
            switch parameter.storage {
            case .int16(let value): bytes.appendBigEndian(value)
            case .int32(let value): bytes.appendBigEndian(value)
            case .int64(let value): bytes.appendBigEndian(value)
            case .double(let value): bytes.appendBigEndian(value.bitPattern)
            case .bool(let value): bytes.append(value ? 1 : 0)
            case .bytes(let value): bytes.append(contentsOf: value)
            case .timestamp(let value): bytes.appendBigEndian(value)
            case .text(let value, _):
                bytes.append(contentsOf: value.utf8)
                bytes.append(0)
                binary = false
            }
            offsets.append(start)
            types.append(parameter.type.rawValue)
            lengths.append(Int32(clamping: bytes.count - start))
            formats.append(binary ? 1 : 0)
        }
        bytes.append(0)  // never empty, so every offset (even of an empty bytea) has an address
        return bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!)
            let values = offsets.map { offset in
                offset.map { (base + $0).assumingMemoryBound(to: CChar.self) }
            }
            return PQsendQueryParams(handle, sql, Int32(parameters.count), types, values, lengths, formats, 0)
        }
    }
}

extension [UInt8] {
    /// Appends the integer in network byte order, as PostgreSQL's binary formats want it.
    mutating func appendBigEndian(_ value: some FixedWidthInteger) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}
