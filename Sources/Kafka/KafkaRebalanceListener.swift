/// Receives a consumer's partition assignments and revocations before the consumer acts on
/// them.
///
/// The consumer waits for each method to return: on assignment, before it starts fetching (so
/// the listener can choose every partition's start offset, for example from offsets it keeps in
/// a database); on revocation, before it releases the partitions (so the listener can finish
/// and commit the work it has for them). Records of revoked partitions that were fetched but
/// not yet handed over are discarded; the next owner reads them again.
///
/// - Important: The methods run while the group waits for this member, so they should finish
///   well within the group's rebalance timeout (`max.poll.interval.ms`).
public protocol KafkaRebalanceListener: Sendable {
    /// The consumer was given `partitions`.
    ///
    /// - Returns: where to start each partition; a partition left out starts at
    ///   ``KafkaStartOffset/committed``.
    func partitionsAssigned(_ partitions: [KafkaTopicPartition]) async -> [KafkaTopicPartition: KafkaStartOffset]

    /// The consumer is about to release `partitions`.
    func partitionsRevoked(_ partitions: [KafkaTopicPartition]) async
}

extension KafkaRebalanceListener {
    /// Starts every partition at its committed offset.
    public func partitionsAssigned(_ partitions: [KafkaTopicPartition]) async -> [KafkaTopicPartition: KafkaStartOffset] { [:] }

    /// Does nothing.
    public func partitionsRevoked(_ partitions: [KafkaTopicPartition]) async {}
}
