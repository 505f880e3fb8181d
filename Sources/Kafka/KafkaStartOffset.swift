/// Where a consumer starts reading a newly assigned partition.
public struct KafkaStartOffset: Hashable, Sendable, CustomStringConvertible {
    enum Kind: Hashable, Sendable {
        case offset(Int64)
        case beginning
        case end
        case committed
        case held
    }
    let kind: Kind

    /// Start at this exact offset (the next record to read).
    public static func offset(_ offset: Int64) -> KafkaStartOffset { KafkaStartOffset(kind: .offset(offset)) }
    /// Start at the earliest record still on the broker.
    public static let beginning = KafkaStartOffset(kind: .beginning)
    /// Start after the last record currently on the broker.
    public static let end = KafkaStartOffset(kind: .end)
    /// Start at the group's committed offset, or at the consumer's
    /// ``KafkaConsumerConfiguration/initialOffset`` when the group has none.
    public static let committed = KafkaStartOffset(kind: .committed)
    /// Assign the partition but read nothing until its owner calls
    /// ``KafkaConsumer/start(_:at:)``: for an owner that looks the offset up somewhere slow (a
    /// database) and must not hold up the rebalance, and librdkafka's poll thread, meanwhile.
    /// A held partition that is never started is never read.
    public static let held = KafkaStartOffset(kind: .held)

    public var description: String {
        switch kind {
        case .offset(let offset): "offset \(offset)"
        case .beginning: "beginning"
        case .end: "end"
        case .committed: "committed"
        case .held: "held"
        }
    }
}
