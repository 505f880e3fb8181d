import Foundation
import Synchronization

/// One dedicated thread that runs jobs one after another, in the order they were submitted.
///
/// libpq calls block (connect, send, wait for results), so they must not run on Swift's cooperative
/// pool, whose few threads would stall every other task. Each connection owns one `PQThread`; async
/// callers submit a job and suspend on a continuation until the thread has run it.
final class PQThread: Sendable {
    /// A job returns the code that resumes its caller, so the thread can release the job (and the
    /// buffers it captured) before the caller runs again and, say, reuses those buffers.
    private typealias Job = @Sendable () -> @Sendable () -> Void

    private struct Queue {
        /// Rarely more than one: a connection serves one task at a time.
        var jobs: [Job] = []
        var isClosed = false
    }

    private let queue = Mutex(Queue())
    private let pending = DispatchSemaphore(value: 0)

    /// Starts the thread. It keeps the `PQThread` alive until ``shutdown()`` lets it end.
    /// - Parameter name: The thread's name, shown by debuggers and `top -H`.
    init(name: String) {
        let thread = Thread { [self] in
            runLoop()
        }
        thread.name = name
        thread.start()
    }

    private func runLoop() {
        while true {
            pending.wait()  // one signal per job, plus one for shutdown
            // The job is a temporary of this statement, so it is released before `resume` runs.
            let resume = queue.withLock { queue in
                queue.jobs.isEmpty ? nil : queue.jobs.removeFirst()
            }.map { job in job() }
            guard let resume else { return }  // shut down and drained
            resume()
        }
    }

    /// Runs `body` on the thread and returns its result.
    /// - Throws: What `body` throws, or ``PostgresError/Code/connectionClosed`` after ``shutdown()``.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let job: Job = {
                let result = Result { try body() }
                return { continuation.resume(with: result) }
            }
            if !submit(job) {
                continuation.resume(throwing: PostgresError(.connectionClosed, message: "the connection is closed"))
            }
        }
    }

    /// Runs `body` on the thread without waiting for it. Returns false if the thread was shut down.
    @discardableResult
    func submit(_ body: @escaping @Sendable () -> Void) -> Bool {
        submit { body(); return {} }
    }

    private func submit(_ job: @escaping Job) -> Bool {
        let accepted = queue.withLock { queue in
            guard !queue.isClosed else { return false }
            queue.jobs.append(job)
            return true
        }
        if accepted {
            pending.signal()
        }
        return accepted
    }

    /// Lets the thread finish the jobs already submitted, then end. Later submissions are refused.
    func shutdown() {
        let wasOpen = queue.withLock { queue in
            defer { queue.isClosed = true }
            return !queue.isClosed
        }
        if wasOpen {
            pending.signal()
        }
    }
}
