import Foundation
import Synchronization

/// A task executor backed by one thread of its own, so that a generator run, which writes
/// files with blocking calls and paces itself, never occupies a cooperative-pool thread.
final class GeneratorThreadExecutor: TaskExecutor, Sendable {
    private struct State {
        var jobs: [UnownedJob] = []
        var stopped = false
    }

    private let state = Mutex(State())
    private let wakeup = DispatchSemaphore(value: 0)

    init(name: String) {
        let thread = Thread { [self] in loop() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        state.withLock { $0.jobs.append(job) }
        wakeup.signal()
    }

    /// Lets queued jobs finish, then ends the thread.
    func stop() {
        state.withLock { $0.stopped = true }
        wakeup.signal()
    }

    private func loop() {
        while true {
            wakeup.wait()
            let (jobs, stopped) = state.withLock { state in
                defer { state.jobs.removeAll(keepingCapacity: true) }
                return (state.jobs, state.stopped)
            }
            for job in jobs {
                job.runSynchronously(on: asUnownedTaskExecutor())
            }
            if stopped && state.withLock({ $0.jobs.isEmpty }) { return }
        }
    }
}
