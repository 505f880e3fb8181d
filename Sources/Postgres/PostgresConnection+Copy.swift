extension PostgresConnection {
    /// Bulk-loads rows with `COPY ... FROM STDIN`, streaming the data that `body` writes.
    ///
    /// ```swift
    /// let rows = try await connection.copyFrom("COPY events (id, payload) FROM STDIN (FORMAT binary)") { writer in
    ///     var encoder = PostgresBinaryCopyEncoder()
    ///     for event in events {
    ///         encoder.beginRow(fieldCount: 2)
    ///         encoder.append(event.id)
    ///         encoder.appendJSONB(event.json)
    ///         if encoder.buffer.count >= 1 << 20 {
    ///             try await writer.write(encoder.buffer)
    ///             encoder.removeAll()
    ///         }
    ///     }
    ///     encoder.finish()
    ///     try await writer.write(encoder.buffer)
    /// }
    /// ```
    ///
    /// Each ``PostgresCopyWriter/write(_:)-([UInt8])`` returns once libpq has queued the chunk, and
    /// waits while its output buffer is full, so a slow server slows the writer down instead of
    /// growing memory. The COPY is one statement: if `body` throws, the COPY is aborted and no row
    /// of it is stored. A broken connection is re-established before the COPY starts, never during it.
    /// - Parameters:
    ///   - isolation: The caller's isolation, inherited by `body`.
    ///   - sql: A `COPY table [(columns)] FROM STDIN` statement, in text, CSV or binary format.
    ///   - body: Writes the data, in the statement's format, in chunks of any size.
    /// - Returns: The number of rows copied.
    /// - Throws: What `body` throws, or a ``PostgresError``: `server` with the SQLSTATE if the
    ///   server rejects the statement or the data (`22P04` bad copy format, `23505` duplicate key...),
    ///   `copyFailed` or `connectionClosed` if the data could not be sent.
    public func copyFrom(
        isolation: isolated (any Actor)? = #isolation,
        _ sql: String,
        _ body: (PostgresCopyWriter) async throws -> Void
    ) async throws -> Int {
        let connection = connection
        try await perform { try connection.startCopy(sql) }
        let writer = PostgresCopyWriter(thread: thread, connection: connection)
        do {
            try await body(writer)
        } catch {
            writer.close()
            _ = try? await thread.run { connection.abortCopy(reason: "the client's data source failed") }
            throw error
        }
        writer.close()
        return try await thread.run { try connection.endCopy() }
    }
}
