import Kafka
import Logging
import Synchronization
import Testing

/// Starts an embedded cluster for one test and shuts it down afterwards.
func withEmbeddedCluster<T>(
    topics: [String: Int],
    _ body: (EmbeddedKafkaCluster) async throws -> T
) async throws -> T {
    let cluster = try EmbeddedKafkaCluster(topics: topics)
    do {
        let result = try await body(cluster)
        cluster.shutdown()
        return result
    } catch {
        cluster.shutdown()
        throw error
    }
}

/// A consumer configuration tuned for tests against the embedded cluster: short session
/// timeout (rebalances wait it out) and short fetch waits.
func testConsumerConfiguration(_ cluster: EmbeddedKafkaCluster, group: String, topics: [String]) -> KafkaConsumerConfiguration {
    var configuration = KafkaConsumerConfiguration(bootstrapServers: cluster.brokerAddresses, groupID: group, topics: topics)
    configuration.sessionTimeout = .seconds(6)
    configuration.fetchMaxWait = .milliseconds(10)
    return configuration
}

/// Sends `count` records made by `make`, without waiting for each, then flushes.
func produce(_ cluster: EmbeddedKafkaCluster, count: Int, make: (Int) -> KafkaProducerMessage) async throws -> KafkaProducer.Statistics {
    let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: cluster.brokerAddresses))
    for index in 0..<count {
        try await producer.sendWithoutWaiting(make(index))
    }
    try await producer.close()
    return producer.statistics
}

/// Reads events until `done` returns true; after `timeout`, records an issue (unless
/// `timeoutIsExpected`) and returns what arrived so far.
func collect(
    from consumer: KafkaConsumer,
    timeout: Duration = .seconds(60),
    timeoutIsExpected: Bool = false,
    until done: @escaping @Sendable ([KafkaRecord]) -> Bool
) async throws -> [KafkaRecord] {
    let received = LockedRecords()
    let finished = try await withThrowingTaskGroup(of: Bool.self) { group in
        group.addTask {
            for try await event in consumer.events {
                guard case .records(let batch) = event else { continue }
                if received.records.withLock({ $0 += batch.records; return done($0) }) { return true }
            }
            return false
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            return false
        }
        let first = try await group.next()!
        group.cancelAll()
        return first
    }
    if !finished && !timeoutIsExpected {
        Issue.record("timed out after \(timeout) waiting for records; \(received.records.withLock { $0.count }) arrived")
    }
    return received.records.withLock { $0 }
}

/// A rebalance listener that records what it was told and can choose start offsets.
final class RecordingListener: KafkaRebalanceListener {
    enum Event: Equatable, Sendable {
        case assigned([KafkaTopicPartition])
        case revoked([KafkaTopicPartition])
    }

    let events = Mutex<[Event]>([])
    let startOffsets: [KafkaTopicPartition: KafkaStartOffset]

    init(startOffsets: [KafkaTopicPartition: KafkaStartOffset] = [:]) {
        self.startOffsets = startOffsets
    }

    func partitionsAssigned(_ partitions: [KafkaTopicPartition]) async -> [KafkaTopicPartition: KafkaStartOffset] {
        events.withLock { $0.append(.assigned(partitions.sorted())) }
        return startOffsets.filter { partitions.contains($0.key) }
    }

    func partitionsRevoked(_ partitions: [KafkaTopicPartition]) async {
        events.withLock { $0.append(.revoked(partitions.sorted())) }
    }

    var recorded: [Event] { events.withLock { $0 } }
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(30), _ condition: () -> Bool) async throws -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return condition()
}

/// Records shared between a reading task and the test.
final class LockedRecords: Sendable {
    let records = Mutex<[KafkaRecord]>([])
}
