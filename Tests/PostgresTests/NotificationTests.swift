import Foundation
import Postgres
import Synchronization
import Testing
import TestSupport

@Suite("LISTEN/NOTIFY on a listener's own thread")
struct NotificationTests {
    @Test("a notification sent by another session arrives with its channel, payload and sender")
    func receivesNotifications() async throws {
        let channel = TestDatabase.uniqueName("channel")
        let listener = try await PostgresNotificationListener.listen(channel: channel, configuration: PostgresConfiguration(TestDatabase.url()), logger: .quiet)
        let events = EventRecorder(listener)
        defer { listener.stop() }
        let sender = try await TestDatabase.connect()
        defer { Task { await sender.close() } }
        let senderPID = try #require(try await sender.query("SELECT pg_backend_pid()").first?[0, as: Int32.self])

        try await sender.execute("SELECT pg_notify($1, 'first'), pg_notify($1, '')", [.text(channel)])
        try await sender.execute("NOTIFY other_channel_nobody_listens_to, 'x'")

        let notifications = try await events.notifications(count: 2)
        #expect(notifications == [
            PostgresNotification(channel: channel, payload: "first", senderProcessID: senderPID),
            PostgresNotification(channel: channel, payload: "", senderProcessID: senderPID),
        ])
        guard case .listening(let backend) = events.all.first else {
            Issue.record("the first event is not .listening: \(events.all)")
            return
        }
        #expect(backend != senderPID && backend > 0)
    }

    @Test("after the server terminates the listening session, it reconnects, reports it, and receives again")
    func reconnectsAfterTermination() async throws {
        let channel = TestDatabase.uniqueName("channel")
        var configuration = PostgresConfiguration(try TestDatabase.url())
        configuration.reconnect.initialBackoff = .milliseconds(20)
        let listener = try await PostgresNotificationListener.listen(channel: channel, configuration: configuration, logger: .quiet)
        let events = EventRecorder(listener)
        defer { listener.stop() }
        let admin = try await TestDatabase.connect()
        defer { Task { await admin.close() } }
        let first = try #require(try await events.listenings(count: 1).first)

        let terminated = try await admin.query("SELECT pg_terminate_backend($1)", [.int32(first)])
        #expect(try terminated.first?[0, as: Bool.self] == true)

        let sessions = try await events.listenings(count: 2)
        #expect(sessions.count == 2 && sessions[1] != first, "a new session after the termination: \(sessions)")
        // LISTEN belongs to the session: only a new LISTEN on the new session makes this arrive.
        try await admin.execute("SELECT pg_notify($1, 'after')", [.text(channel)])
        let notifications = try await events.notifications(count: 1)
        #expect(notifications.map(\.payload) == ["after"])
    }

    @Test("stop ends the events, and the listener closes its session")
    func stopEndsEvents() async throws {
        let channel = TestDatabase.uniqueName("channel")
        let listener = try await PostgresNotificationListener.listen(channel: channel, configuration: PostgresConfiguration(TestDatabase.url()), logger: .quiet)
        let events = EventRecorder(listener)
        let backend = try #require(try await events.listenings(count: 1).first)
        listener.stop()
        #expect(try await events.waitForEnd(), "the events did not end after stop()")
        let admin = try await TestDatabase.connect()
        defer { Task { await admin.close() } }
        let gone = try await eventually(timeout: .seconds(20), every: .milliseconds(20)) {
            try await admin.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1", [.int32(backend)]).count == 0
        }
        #expect(gone, "session \(backend) is still open after stop()")
    }

    /// More listeners than the pool has threads, each waiting on its socket for up to 20 s: if
    /// waiting occupied pool threads, the tasks below (and this test's own code) could not run
    /// until the listeners stopped. A plain thread, started first and off the pool, stops every
    /// listener after 10 s whatever happens, so a blocked pool fails the test instead of hanging
    /// it; the check is that everything ran while every listener was still waiting.
    @Test("idle listeners leave the cooperative pool free: tasks run to the end while more listeners than pool threads wait on their sockets")
    func listenersDoNotBlockThePool() async throws {
        let count = ProcessInfo.processInfo.activeProcessorCount * 2 + 2
        let url = try TestDatabase.url()
        let listeners = ListenerSet()
        let watchdogFired = Flag()
        let workDone = Flag()
        let watchdog = Thread {
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline && !workDone.isSet { usleep(10_000) }
            if !workDone.isSet { watchdogFired.set() }
            listeners.stopAll()
        }
        watchdog.start()
        for index in 0..<count where !watchdogFired.isSet {
            listeners.add(try await PostgresNotificationListener.listen(
                channel: "pool_check_\(index)", configuration: PostgresConfiguration(url), pollTimeout: .seconds(20), logger: .quiet))
        }
        if !watchdogFired.isSet {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<(count * 4) {
                    group.addTask {
                        for _ in 0..<100 { await Task.yield() }
                    }
                }
            }
        }
        let ranWhileListening = !watchdogFired.isSet
        workDone.set()
        #expect(ranWhileListening, "\(count * 4) short tasks could not finish while \(count) listeners waited: they hold pool threads")
    }
}

/// Listeners a watchdog thread may stop at any moment; one added after that is stopped at once.
private final class ListenerSet: Sendable {
    private let state = Mutex<(listeners: [PostgresNotificationListener], stopped: Bool)>(([], false))

    func add(_ listener: PostgresNotificationListener) {
        let stopNow = state.withLock { state in
            state.listeners.append(listener)
            return state.stopped
        }
        if stopNow { listener.stop() }
    }

    func stopAll() {
        let all = state.withLock { state in
            state.stopped = true
            return state.listeners
        }
        all.forEach { $0.stop() }
    }
}

/// Reads a listener's events in the background, for tests to inspect.
private final class EventRecorder: Sendable {
    private let events = Mutex<[PostgresNotificationListener.Event]>([])
    private let ended = Atomic<Bool>(false)

    init(_ listener: PostgresNotificationListener) {
        Task { [self] in
            for await event in listener.events {
                events.withLock { $0.append(event) }
            }
            ended.store(true, ordering: .releasing)
        }
    }

    var all: [PostgresNotificationListener.Event] {
        events.withLock { $0 }
    }

    /// The first `count` notifications, waiting up to 20 s for them.
    func notifications(count: Int) async throws -> [PostgresNotification] {
        _ = try await eventually(timeout: .seconds(20), every: .milliseconds(20)) { self.received.count >= count }
        return Array(received.prefix(count))
    }

    /// The backend process ids of the first `count` `.listening` events, waiting up to 20 s.
    func listenings(count: Int) async throws -> [Int32] {
        _ = try await eventually(timeout: .seconds(20), every: .milliseconds(20)) { self.sessions.count >= count }
        return Array(sessions.prefix(count))
    }

    func waitForEnd() async throws -> Bool {
        try await eventually(timeout: .seconds(20), every: .milliseconds(20)) { self.ended.load(ordering: .acquiring) }
    }

    private var received: [PostgresNotification] {
        all.compactMap { if case .notification(let notification) = $0 { notification } else { nil } }
    }

    private var sessions: [Int32] {
        all.compactMap { if case .listening(let backend) = $0 { backend } else { nil } }
    }
}

/// A flag shared between a test and a plain thread.
private final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes.
