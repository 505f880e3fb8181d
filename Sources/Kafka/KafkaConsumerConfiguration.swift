/// Settings for a ``KafkaConsumer``: a member of a consumer group that commits offsets only
/// when told to.
public struct KafkaConsumerConfiguration: Sendable {
    /// `host:port` entries of brokers used to discover the cluster.
    public var bootstrapServers: [String]
    /// The consumer group to join.
    public var groupID: String
    /// The topics to subscribe to.
    public var topics: [String]
    /// The client id reported to brokers.
    public var clientID: String = "fraudstream"
    /// Where to start a partition that neither the rebalance listener nor the group's committed
    /// offsets place: ``KafkaStartOffset/beginning`` or ``KafkaStartOffset/end``.
    public var initialOffset: KafkaStartOffset = .beginning
    /// How long the group waits for a silent member before moving its partitions
    /// (`session.timeout.ms`). Rebalances after a crash take this long.
    public var sessionTimeout: Duration = .seconds(45)
    /// How long a fetch waits on the broker for new records (`fetch.wait.max.ms`). Lower
    /// favours latency, higher saves requests on idle topics.
    public var fetchMaxWait: Duration = .milliseconds(10)
    /// The most records handed over in one ``KafkaRecordBatch``, and taken from librdkafka in
    /// one poll.
    public var maxBatchSize: Int = 1024
    /// Record bytes buffered per partition before the consumer pauses fetching it; fetching
    /// resumes when the buffer has drained to half. A partition's buffer can exceed this by the
    /// records of one poll (at most ``maxBatchSize``). Together with librdkafka's own fetch queue
    /// (`queued.max.messages.kbytes`) this bounds the consumer's memory.
    public var maxBufferedBytesPerPartition: Int = 1 << 20
    /// The size of librdkafka's prefetch queue, in KiB (`queued.max.messages.kbytes`).
    public var prefetchKilobytes: Int = 8192
    /// Any librdkafka property, passed through unchanged; these win over the fields above.
    ///
    /// `auto.offset.reset` is managed by the consumer (it detects retention gaps with it); use
    /// ``initialOffset`` instead.
    public var additionalProperties: [String: String] = [:]

    /// Creates a configuration for one group member.
    public init(bootstrapServers: [String], groupID: String, topics: [String]) {
        self.bootstrapServers = bootstrapServers
        self.groupID = groupID
        self.topics = topics
    }

    func properties() throws(KafkaError) -> [String: String] {
        guard !topics.isEmpty else { throw KafkaError.configuration("a consumer needs at least one topic to subscribe to") }
        guard !groupID.isEmpty else { throw KafkaError.configuration("a consumer needs a non-empty group id") }
        guard maxBatchSize >= 1 else { throw KafkaError.configuration("maxBatchSize must be at least 1, got \(maxBatchSize)") }
        if additionalProperties["auto.offset.reset"] != nil {
            throw KafkaError.configuration(
                "auto.offset.reset cannot be overridden: the consumer reports retention gaps instead of skipping them; "
                    + "set the initial offset (beginning or end) for partitions without a committed offset instead")
        }
        switch initialOffset.kind {
        case .beginning, .end: break
        default: throw KafkaError.configuration("initialOffset must be .beginning or .end, got \(initialOffset)")
        }
        var properties = [
            "bootstrap.servers": bootstrapServers.joined(separator: ","),
            "group.id": groupID,
            "client.id": clientID,
            "enable.auto.commit": "false",
            "enable.auto.offset.store": "false",
            "enable.partition.eof": "false",
            "session.timeout.ms": String(sessionTimeout.milliseconds),
            "heartbeat.interval.ms": String(max(100, sessionTimeout.milliseconds / 10)),
            "fetch.wait.max.ms": String(fetchMaxWait.milliseconds),
            "queued.max.messages.kbytes": String(prefetchKilobytes),
        ]
        properties.merge(additionalProperties) { _, custom in custom }
        // A consumer whose next offset was removed by retention must hear about it.
        properties["auto.offset.reset"] = "error"
        return properties
    }
}
