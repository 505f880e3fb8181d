import Synchronization

/// A shareable on/off switch that a client's background thread watches.
final class RunFlag: Sendable {
    private let value = Atomic<Bool>(true)

    /// Whether the owner is still running.
    var isRunning: Bool { value.load(ordering: .sequentiallyConsistent) }

    /// Turns the switch off; returns whether it was on (so only one caller proceeds to clean up).
    func stop() -> Bool { value.exchange(false, ordering: .sequentiallyConsistent) }
}
