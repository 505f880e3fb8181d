/// What the simulator knows about a transaction that the wire form does not say.
public struct GroundTruth: Sendable, Hashable {
    /// The behaviour that produced the transaction.
    public var behaviour: SimulatedBehaviour
    /// Identifies the scenario (a fraud pattern or look-alike) the transaction belongs to;
    /// `nil` for normal traffic. Transactions of one scenario share it.
    public var scenario: Int?
    /// How late the transaction was emitted relative to its event time (zero unless it was
    /// chosen for disorder).
    public var emissionDelay: Duration

    /// Creates a ground truth record.
    public init(behaviour: SimulatedBehaviour, scenario: Int? = nil, emissionDelay: Duration = .zero) {
        self.behaviour = behaviour
        self.scenario = scenario
        self.emissionDelay = emissionDelay
    }

    /// Whether the transaction is fraud.
    public var isFraud: Bool { behaviour.isFraud }
}
