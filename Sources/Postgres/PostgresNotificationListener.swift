import Logging
import Synchronization
import Threading

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A connection of its own that `LISTEN`s on one channel and delivers its notifications as an
/// async sequence of ``Event``s.
///
/// The socket is waited on by the listener's own thread (`poll(2)` with a short timeout, then
/// `PQconsumeInput` and `PQnotifies`), never by Swift's cooperative pool. When the server goes
/// away or terminates the session, the listener reconnects with exponential backoff
/// (``PostgresConfiguration/reconnect``'s pauses, without its deadline: it keeps trying until
/// stopped) and listens again. Notifications sent while it was disconnected are lost, so every
/// (re)connection is reported as ``Event/listening(backendProcessID:)``: re-read whatever the
/// notifications announce at that point.
///
/// ```swift
/// let listener = try await PostgresNotificationListener.listen(channel: "jobs", configuration: configuration)
/// for await event in listener.events {
///     switch event {
///     case .listening: await reloadEverything()
///     case .notification(let notification): await reload(notification.payload)
///     }
/// }
/// ```
///
/// - Important: Call ``stop()`` when done: the thread keeps the connection open until then.
///   The events are buffered up to ``bufferedEvents``, after which the oldest are dropped; use
///   notifications as a signal to re-read state, not as a log of changes.
public final class PostgresNotificationListener: Sendable {
    /// What the listener reports.
    public enum Event: Sendable, Hashable {
        /// The session is subscribed; first after ``listen(channel:configuration:logger:)``, then
        /// after each reconnection. Notifications sent before it may have been missed.
        case listening(backendProcessID: Int32)
        /// A notification on the channel.
        case notification(PostgresNotification)
    }

    /// The most events held for a slow reader; older ones are dropped beyond it.
    public static let bufferedEvents = 256

    /// The channel listened on.
    public let channel: String
    /// The events, until ``stop()``; one sequence, for one reader.
    public let events: AsyncStream<Event>

    private let continuation: AsyncStream<Event>.Continuation
    private let thread: DedicatedThread
    private let connection: PQConnection
    private let stopping = Atomic<Bool>(false)
    private let reconnect: PostgresConfiguration.Reconnect
    private let pollTimeoutMilliseconds: Int32
    private let logger: Logger

    private init(
        channel: String, thread: DedicatedThread, connection: PQConnection, configuration: PostgresConfiguration,
        pollTimeout: Duration, logger: Logger
    ) {
        self.channel = channel
        (events, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(Self.bufferedEvents))
        self.thread = thread
        self.connection = connection
        self.reconnect = configuration.reconnect
        self.pollTimeoutMilliseconds = Int32(clamping: max(1, pollTimeout.components.seconds * 1000 + pollTimeout.components.attoseconds / 1_000_000_000_000_000))
        self.logger = logger
    }

    deinit {
        stopping.store(true, ordering: .releasing)
        thread.shutdown()
    }

    /// Connects and subscribes to `channel`. Fails fast, like ``PostgresConnection/connect(_:logger:)``;
    /// only later losses are retried.
    /// - Parameters:
    ///   - channel: The channel, as given to `NOTIFY` (quoted as an identifier, so case matters).
    ///   - configuration: Where to connect, and the pauses between reconnection attempts.
    ///   - pollTimeout: How long the thread waits on the socket before checking for ``stop()``;
    ///     it bounds how long ``stop()`` takes, not how soon notifications arrive.
    ///   - logger: Receives the connection's state changes.
    /// - Returns: A listener whose ``events`` start with ``Event/listening(backendProcessID:)``.
    /// - Throws: ``PostgresError``: `connectionFailed` naming the server and the reason, or the
    ///   server's error for `LISTEN`.
    public static func listen(
        channel: String, configuration: PostgresConfiguration = PostgresConfiguration(),
        pollTimeout: Duration = .milliseconds(250), logger: Logger = Logger(label: "fraudstream.postgres")
    ) async throws -> PostgresNotificationListener {
        let thread = DedicatedThread(name: "postgres-listen") {
            PostgresError(.connectionClosed, message: "the listener is stopped")
        }
        let connection = PQConnection(configuration: configuration, logger: logger)
        let backend: Int32
        do {
            backend = try await thread.run {
                try connection.connect()
                try connection.listen(channel)
                return connection.backendProcessID
            }
        } catch {
            thread.submit { connection.finish() }
            thread.shutdown()
            throw error
        }
        var logger = logger
        logger[metadataKey: "postgres.target"] = "\(connection.target)"
        logger[metadataKey: "postgres.channel"] = "\(channel)"
        let listener = PostgresNotificationListener(
            channel: channel, thread: thread, connection: connection, configuration: configuration, pollTimeout: pollTimeout, logger: logger)
        logger.info("listening for PostgreSQL notifications")
        listener.continuation.yield(.listening(backendProcessID: backend))
        thread.submit { [listener] in listener.loop() }
        return listener
    }

    /// Stops listening: the thread closes the connection within the poll timeout and ``events``
    /// ends. Safe to call repeatedly.
    public func stop() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        thread.shutdown()
    }

    /// The thread's loop: wait, deliver, and on a loss reconnect until it works or stop is asked.
    private func loop() {
        defer {
            connection.finish()
            continuation.finish()
        }
        while !stopping.load(ordering: .acquiring) {
            do {
                for notification in try connection.awaitNotifications(timeoutMilliseconds: pollTimeoutMilliseconds) {
                    continuation.yield(.notification(notification))
                }
            } catch {
                logger.warning("lost the PostgreSQL connection listening for notifications; reconnecting", metadata: ["error": "\(error)"])
                guard let backend = reconnectUntilStopped() else { return }
                logger.info("listening for PostgreSQL notifications again", metadata: ["postgres.backendPID": "\(backend)"])
                continuation.yield(.listening(backendProcessID: backend))
            }
        }
    }

    /// Reconnects and listens again, pausing with backoff between attempts.
    /// - Returns: The new session's process id, or `nil` when stopped first.
    private func reconnectUntilStopped() -> Int32? {
        var backoff = reconnect.initialBackoff
        var attempt = 0
        while !stopping.load(ordering: .acquiring) {
            attempt += 1
            do {
                try connection.connect()
                try connection.listen(channel)
                return connection.backendProcessID
            } catch {
                if attempt == 1 || attempt % 10 == 0 {
                    logger.debug("reconnection attempt failed", metadata: ["error": "\(error)", "postgres.attempts": "\(attempt)"])
                }
            }
            sleepUnlessStopped(backoff)
            backoff = min(backoff * 2, reconnect.maximumBackoff)
        }
        return nil
    }

    /// Sleeps on the listener's thread in short slices, so that ``stop()`` is not kept waiting.
    private func sleepUnlessStopped(_ duration: Duration) {
        let deadline = ContinuousClock.now + duration
        while !stopping.load(ordering: .acquiring), ContinuousClock.now < deadline {
            let slice = min(deadline - ContinuousClock.now, .milliseconds(50))
            let microseconds = slice.components.seconds * 1_000_000 + slice.components.attoseconds / 1_000_000_000_000
            usleep(UInt32(clamping: max(microseconds, 1)))
        }
    }
}
