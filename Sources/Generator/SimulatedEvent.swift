import FraudCore

/// One record produced by an event source: a transaction with the truth behind it, or a label.
public enum SimulatedEvent: Sendable, Hashable {
    /// A transaction, for the transactions topic.
    case transaction(Transaction, GroundTruth)
    /// A label, for the labels topic.
    case label(Label)
}
