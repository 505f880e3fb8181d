import CRdKafka
import Logging
import Threading

/// Creates and lists topics.
///
/// On a real cluster topics are created with the CreateTopics request. The embedded cluster
/// cannot answer admin requests (its metadata names no valid controller), so for an
/// ``EmbeddedKafkaCluster`` of this process the admin creates topics through the cluster's
/// own API instead; callers need not know which kind of cluster they talk to.
///
/// - Important: Admin calls block on network round trips; they run on a thread the admin
///   owns. Call ``close()`` when done.
public final class KafkaAdmin: Sendable {
    private let client: RDKafkaClient
    private let bootstrapServers: [String]
    private let blocking = DedicatedThread(name: "kafka-admin") { KafkaError.closedClient }
    private let running = RunFlag()

    /// Creates an admin client.
    ///
    /// - Parameters:
    ///   - additionalProperties: any librdkafka property, passed through unchanged.
    /// - Throws: ``KafkaError/Code/configuration`` when a property is rejected.
    public init(
        bootstrapServers: [String],
        additionalProperties: [String: String] = [:],
        logger: Logger = Logger(label: "fraudstream.kafka.admin")
    ) throws(KafkaError) {
        var properties = ["bootstrap.servers": bootstrapServers.joined(separator: ",")]
        properties.merge(additionalProperties) { _, custom in custom }
        client = try RDKafkaClient(type: RD_KAFKA_PRODUCER, properties: properties, logger: logger)
        self.bootstrapServers = bootstrapServers
    }

    /// The cluster's topics and their partition counts.
    ///
    /// - Throws: ``KafkaError`` when the cluster does not answer within `timeout`.
    public func listTopics(timeout: Duration = .seconds(10)) async throws -> [String: Int] {
        let client = self.client
        return try await blocking.run { try client.topics(timeout: timeout) }
    }

    /// Creates a topic unless one of that name exists.
    ///
    /// - Returns: `true` if the topic was created, `false` if it existed (whatever its
    ///   partition count; compare with ``listTopics(timeout:)`` when that matters).
    /// - Throws: ``KafkaError`` naming the topic and the broker's reason.
    @discardableResult
    public func createTopic(
        _ name: String, partitions: Int, replicationFactor: Int = 1, timeout: Duration = .seconds(15)
    ) async throws -> Bool {
        guard partitions >= 1 else {
            throw KafkaError.configuration("topic \(name): partitions must be at least 1, got \(partitions)")
        }
        if try await listTopics(timeout: timeout)[name] != nil { return false }
        if let embedded = EmbeddedKafkaCluster.serving(bootstrapServers) {
            try embedded.createTopic(name, partitions: partitions)
            return true
        }
        let client = self.client
        let servers = bootstrapServers.joined(separator: ",")
        try await blocking.run {
            try Self.createTopicOverTheWire(client, name, partitions: partitions, replicationFactor: replicationFactor, timeout: timeout, servers: servers)
        }
        return true
    }

    /// Releases the client. Idempotent.
    public func close() {
        guard running.stop() else { return }
        blocking.shutdown()
        client.destroy()
    }

    private static func createTopicOverTheWire(
        _ client: RDKafkaClient, _ name: String, partitions: Int, replicationFactor: Int, timeout: Duration, servers: String
    ) throws(KafkaError) {
        var errstr = [CChar](repeating: 0, count: 512)
        guard let topic = rd_kafka_NewTopic_new(name, Int32(partitions), Int32(replicationFactor), &errstr, errstr.count) else {
            throw KafkaError.configuration("topic \(name): \(String(cChars: errstr))")
        }
        defer { rd_kafka_NewTopic_destroy(topic) }
        let options = rd_kafka_AdminOptions_new(client.handle, RD_KAFKA_ADMIN_OP_CREATETOPICS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        rd_kafka_AdminOptions_set_request_timeout(options, Int32(timeout.milliseconds), &errstr, errstr.count)
        rd_kafka_AdminOptions_set_operation_timeout(options, Int32(timeout.milliseconds), &errstr, errstr.count)
        let queue = rd_kafka_queue_new(client.handle)
        defer { rd_kafka_queue_destroy(queue) }
        var topics: [OpaquePointer?] = [topic]
        rd_kafka_CreateTopics(client.handle, &topics, 1, options, queue)

        guard let event = rd_kafka_queue_poll(queue, Int32(timeout.milliseconds + 1000)) else {
            throw noAnswer(name, servers: servers)
        }
        defer { rd_kafka_event_destroy(event) }
        let eventError = rd_kafka_event_error(event)
        if eventError == RD_KAFKA_RESP_ERR__TIMED_OUT { throw noAnswer(name, servers: servers) }
        guard eventError == RD_KAFKA_RESP_ERR_NO_ERROR, let result = rd_kafka_event_CreateTopics_result(event) else {
            throw KafkaError(eventError, context: "could not create topic \(name)")
        }
        var count = 0
        guard let results = rd_kafka_CreateTopics_result_topics(result, &count) else { return }
        for index in 0..<count {
            let err = rd_kafka_topic_result_error(results[index])
            if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS {
                var error = KafkaError(err, context: "could not create topic \(name)")
                if let detail = rd_kafka_topic_result_error_string(results[index]) {
                    error.message += " (\(String(cString: detail)))"
                }
                throw error
            }
        }
    }

    private static func noAnswer(_ name: String, servers: String) -> KafkaError {
        KafkaError(
            code: .timedOut,
            message: "the cluster at \(servers) did not answer the request to create topic \(name). "
                + "An embedded broker in another process (fraudstream broker) cannot create topics over the wire: "
                + "start it with --topic \(name):PARTITIONS, or let the topic be auto-created with 4 partitions",
            isRetryable: true)
    }
}
