/// The ground truth for one transaction, as it arrives on the `transaction_labels` topic.
///
/// A later label for the same ``id`` corrects an earlier one. Decode one with
/// ``LabelDecoder``; encode one with ``jsonBytes`` or ``encode(into:)``.
public struct Label: Hashable, Sendable {
    /// The identifier of the labelled transaction (wire field `id`).
    public var id: String
    /// Whether the transaction was fraud (wire field `is_fraud`).
    public var isFraud: Bool
    /// The kind of fraud, when known (wire field `fraud_type`, absent or `null` when unknown).
    public var fraudType: String?
    /// When the label was assigned (wire field `labeled_at`).
    public var labeledAt: EventTime

    /// Creates a label from its fields.
    public init(id: String, isFraud: Bool, fraudType: String? = nil, labeledAt: EventTime) {
        self.id = id
        self.isFraud = isFraud
        self.fraudType = fraudType
        self.labeledAt = labeledAt
    }
}
