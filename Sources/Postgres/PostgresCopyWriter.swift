import Synchronization
import Threading

/// Streams data into a running `COPY ... FROM STDIN`; handed to the body of
/// ``PostgresConnection/copyFrom(isolation:_:_:)``.
///
/// - Important: Valid only inside that body, from the task that runs it; writes after the body
///   returned throw ``PostgresError/Code/copyFailed``.
public struct PostgresCopyWriter: Sendable {
    private final class State: Sendable {
        let isOpen = Atomic<Bool>(true)
    }

    private let thread: DedicatedThread
    private let connection: PQConnection
    private let state = State()

    init(thread: DedicatedThread, connection: PQConnection) {
        self.thread = thread
        self.connection = connection
    }

    /// Sends a chunk of COPY data, such as a ``PostgresBinaryCopyEncoder/buffer``.
    ///
    /// Returns once libpq has queued the bytes; the writer keeps no reference to `bytes`, so the
    /// caller's buffer is uniquely owned again and can be emptied and refilled without allocating.
    /// - Parameter bytes: Data in the COPY statement's format; chunks need not end on row boundaries.
    /// - Throws: ``PostgresError``: the server's error if it rejected earlier data, else
    ///   `copyFailed` or `connectionClosed`.
    public func write(_ bytes: [UInt8]) async throws {
        try checkOpen()
        guard !bytes.isEmpty else { return }
        let connection = connection
        try await thread.run {
            try bytes.withUnsafeBytes { try connection.putCopyData($0) }
        }
    }

    /// Sends a chunk of text-format or CSV COPY data, as UTF-8.
    /// - Parameter text: Rows such as `"42\tAlice\t\\N\n"`; chunks need not end on row boundaries.
    /// - Throws: ``PostgresError``, as ``write(_:)-([UInt8])`` does.
    public func write(_ text: String) async throws {
        try checkOpen()
        guard !text.isEmpty else { return }
        let connection = connection
        try await thread.run {
            var text = text
            try text.withUTF8 { try connection.putCopyData(UnsafeRawBufferPointer($0)) }
        }
    }

    func close() {
        state.isOpen.store(false, ordering: .releasing)
    }

    private func checkOpen() throws {
        guard state.isOpen.load(ordering: .acquiring) else {
            throw PostgresError(.copyFailed, message: "the COPY this writer belonged to has ended")
        }
    }
}
