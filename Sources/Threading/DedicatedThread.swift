import Foundation
import Synchronization

/// A thread of its own that runs jobs one at a time, in the order they were submitted.
///
/// Blocking C calls (librdkafka flushes and commits, every libpq call, file writes) must not run
/// on Swift's cooperative pool, whose few threads would stall every other task. A client owns a
/// `DedicatedThread`; async callers hand it a job with ``run(_:)`` and suspend until it has run.
/// It is also a `TaskExecutor`, so a whole task can prefer it with
/// `withTaskExecutorPreference(_:operation:)`.
///
/// - Important: The thread keeps the object alive until ``shutdown()`` lets it end. Jobs already
///   submitted still run after ``shutdown()``; later ones are refused.
public final class DedicatedThread: TaskExecutor, Sendable {
    /// A job returns the code that resumes its caller, so the thread can release the job (and the
    /// buffers it captured) before the caller runs again and, say, reuses those buffers.
    private typealias Job = @Sendable () -> (@Sendable () -> Void)?

    private struct Queue {
        var jobs: [Job] = []
        var head = 0
        var isClosed = false

        mutating func popFirst() -> Job? {
            guard head < jobs.count else { return nil }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            return job
        }
    }

    private let queue = Mutex(Queue())
    private let pending = DispatchSemaphore(value: 0)
    private let stoppedError: @Sendable () -> any Error

    /// Starts the thread.
    ///
    /// - Parameters:
    ///   - name: the thread's name, shown by debuggers and `top -H`.
    ///   - stoppedError: what ``run(_:)`` throws after ``shutdown()``.
    public init(name: String, stoppedError: @escaping @Sendable () -> any Error = { CancellationError() }) {
        self.stoppedError = stoppedError
        let thread = Thread { [self] in runLoop() }
        thread.name = name
        thread.start()
    }

    /// Runs `body` on the thread and returns its result.
    ///
    /// - Throws: what `body` throws, or the `stoppedError` after ``shutdown()``.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let job: Job = {
                let result = Result { try body() }
                return { continuation.resume(with: result) }
            }
            if !submit(job) {
                continuation.resume(throwing: stoppedError())
            }
        }
    }

    /// Runs `body` on the thread without waiting for it.
    ///
    /// - Returns: `false` if the thread was shut down and `body` will not run.
    @discardableResult
    public func submit(_ body: @escaping @Sendable () -> Void) -> Bool {
        submit { body(); return nil }
    }

    /// Runs a task's job on the thread (the `TaskExecutor` requirement).
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        submit { job.runSynchronously(on: executor) }
    }

    /// Lets the thread finish the jobs already submitted, then end. Later submissions are refused.
    public func shutdown() {
        let wasOpen = queue.withLock { queue in
            defer { queue.isClosed = true }
            return !queue.isClosed
        }
        if wasOpen { pending.signal() }
    }

    private func submit(_ job: @escaping Job) -> Bool {
        let accepted = queue.withLock { queue in
            guard !queue.isClosed else { return false }
            queue.jobs.append(job)
            return true
        }
        if accepted { pending.signal() }
        return accepted
    }

    private func runLoop() {
        while true {
            pending.wait()  // one signal per job, plus one for shutdown
            // The job is a temporary of this statement, so it is released before `resume` runs.
            guard let resume = queue.withLock({ $0.popFirst() }).map({ job in job() }) else {
                if queue.withLock({ $0.isClosed && $0.head >= $0.jobs.count }) { return }
                continue
            }
            resume?()
        }
    }
}
