import CRdKafka
import Logging
import Synchronization

/// A Kafka cluster running inside this process: librdkafka's mock cluster, which speaks the
/// real Kafka wire protocol (produce, fetch, consumer groups, offset commits) on loopback ports.
///
/// Used by `fraudstream demo`, `fraudstream broker` and the test suite, where no real broker is
/// available.
///
/// Limits worth knowing: the mock keeps only about 5 MiB of records per partition and drops
/// older ones (consumers that fall further behind see a ``KafkaOffsetGap``), it cannot answer
/// admin requests (create topics with ``createTopic(_:partitions:)``, which
/// ``KafkaAdmin`` does by itself for clusters of this process), a topic produced to before it
/// exists is created with 4 partitions, and group rebalances wait out `session.timeout.ms`.
///
/// - Important: Call ``shutdown()`` when done; clients connected to the cluster should be
///   closed first.
public final class EmbeddedKafkaCluster: Sendable {
    /// The `host:port` list clients use to reach the cluster.
    public let bootstrapServers: String

    private let client: RDKafkaClient
    nonisolated(unsafe) private let cluster: OpaquePointer
    private let running = RunFlag()

    /// Live clusters of this process, by bootstrap string, so that ``KafkaAdmin`` can reach
    /// them through the mock API.
    static let registry = Mutex<[String: EmbeddedKafkaCluster]>([:])

    /// Starts a cluster.
    ///
    /// - Parameters:
    ///   - brokers: how many brokers to run.
    ///   - topics: topics to create at once, with their partition counts.
    /// - Throws: ``KafkaError`` when the cluster or a topic cannot be created.
    public init(
        brokers: Int = 1,
        topics: [String: Int] = [:],
        logger: Logger = Logger(label: "fraudstream.kafka.embedded")
    ) throws(KafkaError) {
        guard brokers >= 1 else { throw KafkaError.configuration("an embedded cluster needs at least one broker, got \(brokers)") }
        // The mock cluster lives inside an otherwise idle client handle.
        client = try RDKafkaClient(type: RD_KAFKA_PRODUCER, properties: ["log_level": "3"], logger: logger)
        guard let cluster = rd_kafka_mock_cluster_new(client.handle, Int32(brokers)) else {
            client.destroy()
            throw KafkaError(code: .broker, message: "could not start the embedded Kafka cluster")
        }
        self.cluster = cluster
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
        for (name, partitions) in topics.sorted(by: { $0.key < $1.key }) {
            try createTopic(name, partitions: partitions)
        }
        Self.registry.withLock { $0[bootstrapServers] = self }
    }

    /// The cluster's bootstrap list, split into `host:port` entries.
    public var brokerAddresses: [String] { bootstrapServers.split(separator: ",").map(String.init) }

    /// Creates a topic.
    ///
    /// - Throws: ``KafkaError`` when the topic exists already or the count is invalid.
    public func createTopic(_ name: String, partitions: Int) throws(KafkaError) {
        guard partitions >= 1 else {
            throw KafkaError.configuration("topic \(name): a topic needs at least one partition, got \(partitions)")
        }
        let err = rd_kafka_mock_topic_create(cluster, name, Int32(partitions), 1)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(err, context: "could not create topic \(name) with \(partitions) partitions")
        }
    }

    /// Makes the next `errors.count` requests of protocol type `apiKey` (0 is Produce, 1 Fetch)
    /// fail with those librdkafka error codes, in order: for fault tests.
    public func failRequests(apiKey: Int16, with errors: [Int32]) {
        let codes = errors.map { rd_kafka_resp_err_t(rawValue: $0) }
        codes.withUnsafeBufferPointer { buffer in
            rd_kafka_mock_push_request_errors_array(cluster, apiKey, buffer.count, buffer.baseAddress)
        }
    }

    /// Stops the cluster. Idempotent.
    public func shutdown() {
        guard running.stop() else { return }
        Self.registry.withLock { _ = $0.removeValue(forKey: bootstrapServers) }
        rd_kafka_mock_cluster_destroy(cluster)
        client.destroy()
    }

    /// The in-process cluster serving `bootstrapServers`, if there is one.
    static func serving(_ bootstrapServers: [String]) -> EmbeddedKafkaCluster? {
        let joined = bootstrapServers.joined(separator: ",")
        return registry.withLock { clusters in
            clusters[joined] ?? clusters.values.first { cluster in
                !Set(cluster.brokerAddresses).isDisjoint(with: bootstrapServers)
            }
        }
    }
}
