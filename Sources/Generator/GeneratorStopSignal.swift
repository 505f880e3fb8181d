import Synchronization

/// Tells a running ``GeneratorRun`` to stop after its current batch, as on SIGINT.
public final class GeneratorStopSignal: Sendable {
    private let requested = Atomic<Bool>(false)

    /// Creates a signal that has not fired.
    public init() {}

    /// Asks the run to stop: it finishes its batch, emits pending labels, flushes and returns.
    public func stop() {
        requested.store(true, ordering: .relaxed)
    }

    /// Whether a stop was requested.
    public var isStopRequested: Bool { requested.load(ordering: .relaxed) }
}
