import Synchronization
import TestSupport
import Testing
@testable import FraudPipeline

/// The one-shot signal a drain waits on: the sink completes it once the revoked partitions'
/// last rows are committed, and the rebalance listener waits for it with a timeout. Every wait
/// runs in a task of its own and is given a deadline, so a broken signal fails a test instead
/// of hanging it.
@Suite("Completion, the drain's signal")
struct CompletionTests {
    /// A value one task sets and another reads.
    final class Box<Value: Sendable>: Sendable {
        private let value = Mutex<Value?>(nil)
        func set(_ newValue: Value) { value.withLock { $0 = newValue } }
        var current: Value? { value.withLock { $0 } }
    }

    /// What `operation` returns, run in a task of its own; nil if it has not returned within
    /// `limit` (the task is then left behind).
    static func result<Value: Sendable>(within limit: Duration, _ operation: @escaping @Sendable () async -> Value) async -> Value? {
        let box = Box<Value>()
        Task { box.set(await operation()) }
        _ = try? await eventually(timeout: limit, every: .milliseconds(5)) { box.current != nil }
        return box.current
    }

    @Test("waiters from before and after complete() all resume, and completing twice changes nothing")
    func everyWaiterResumes() async throws {
        let completion = Completion()
        let waiters = (0..<5).map { _ in Box<Bool>() }
        for waiter in waiters {
            Task {
                await completion.wait()
                waiter.set(true)
            }
        }
        // Let the waiters park before the signal.
        try? await Task.sleep(for: .milliseconds(50))
        #expect(waiters.allSatisfy { $0.current == nil }, "a waiter resumed before complete()")
        completion.complete()
        completion.complete()
        let resumed = try await eventually(timeout: .seconds(10), every: .milliseconds(5)) { waiters.allSatisfy { $0.current == true } }
        #expect(resumed, "a waiter did not resume")
        // After the signal: both kinds of wait return at once.
        #expect(await Self.result(within: .seconds(10)) { await completion.wait(); return true } == true)
        #expect(await Self.result(within: .seconds(10)) { await completion.wait(timeout: .seconds(30)) } == true)
    }

    @Test("wait(timeout:) says false when the timeout comes first, and true when complete() does")
    func timeout() async {
        let completion = Completion()
        let clock = ContinuousClock()
        let started = clock.now
        #expect(await Self.result(within: .seconds(10)) { await completion.wait(timeout: .milliseconds(100)) } == false)
        #expect(clock.now - started >= .milliseconds(100))
        Task {
            try? await Task.sleep(for: .milliseconds(50))
            completion.complete()
        }
        #expect(await Self.result(within: .seconds(10)) { await completion.wait(timeout: .seconds(30)) } == true)
    }

    @Test("a cancelled waiter returns without the signal, and leaves the others waiting")
    func cancellation() async throws {
        let completion = Completion()
        let cancelledReturned = Box<Bool>()
        let cancelled = Task {
            await completion.wait()
            cancelledReturned.set(true)
        }
        let otherReturned = Box<Bool>()
        Task {
            await completion.wait()
            otherReturned.set(true)
        }
        try? await Task.sleep(for: .milliseconds(50))
        cancelled.cancel()
        let returned = try await eventually(timeout: .seconds(10), every: .milliseconds(5)) { cancelledReturned.current != nil }
        #expect(returned && cancelledReturned.current == true, "the cancelled waiter did not return")
        #expect(otherReturned.current == nil, "cancelling one waiter released another")
        completion.complete()
        let signalled = try await eventually(timeout: .seconds(10), every: .milliseconds(5)) { otherReturned.current != nil }
        #expect(signalled && otherReturned.current == true, "the other waiter did not see the signal")
        // A wait with a timeout, cancelled before any signal, returns false at once (its
        // waiting child is released, so its task group can end).
        let fresh = Completion()
        let timed = Task { await fresh.wait(timeout: .seconds(30)) }
        try? await Task.sleep(for: .milliseconds(50))
        timed.cancel()
        #expect(await Self.result(within: .seconds(10)) { await timed.value } == false)
    }
}
