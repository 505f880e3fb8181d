import FraudCore

/// Something that produces events for a ``GeneratorRun``: the simulator or a replayed file.
public protocol GeneratorEventSource {
    /// The next event in emission order, or `nil` when the source is exhausted.
    ///
    /// - Throws: When the source cannot go on (for a replay: a malformed line).
    mutating func nextEvent() throws -> SimulatedEvent?

    /// Labels still pending for transactions already returned, emitted at the end of a run.
    mutating func drainLabels() -> [Label]
}

extension TransactionSimulator: GeneratorEventSource {
    /// The next simulated event; the simulation never ends.
    public mutating func nextEvent() -> SimulatedEvent? {
        next()
    }
}
