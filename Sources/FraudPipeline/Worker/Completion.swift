import Synchronization

/// A one-shot signal that tasks can wait for, with a timeout.
final class Completion: Sendable {
    private struct State {
        var completed = false
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextID = 0
    }
    private let state = Mutex(State())

    init() {}

    /// Signals every waiter, now and later. Idempotent.
    func complete() {
        let waiters = state.withLock { state in
            state.completed = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits until ``complete()`` or cancellation.
    func wait() async {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if state.completed || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Waits until ``complete()`` or `timeout`, whichever comes first.
    /// - Returns: Whether it was completed.
    func wait(timeout: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.wait()
                return !Task.isCancelled
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let completed = await group.next() ?? false
            group.cancelAll()
            return completed || state.withLock { $0.completed }
        }
    }
}
