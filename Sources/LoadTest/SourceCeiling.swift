import Kafka
import Logging

/// A plain consumer draining a topic without doing anything with the records: how fast the
/// source can go on this machine, and whether the broker still has every record.
struct SourceCeiling {
    let brokers: [String]
    let topic: String
    let partitions: Int
    let expected: Int
    let logger: Logger

    struct Result {
        var recordsPerSecond: Double
        var lostRecords: Int64
    }

    /// Starts every partition at offset 0, so records the broker deleted show up as a gap.
    private struct FromZero: KafkaRebalanceListener {
        func partitionsAssigned(_ partitions: [KafkaTopicPartition]) async -> [KafkaTopicPartition: KafkaStartOffset] {
            Dictionary(uniqueKeysWithValues: partitions.map { ($0, KafkaStartOffset.offset(0)) })
        }
    }

    func run() async throws -> Result {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: brokers, groupID: "loadtest-source-\(ThroughputRun.runID())", topics: [topic])
        configuration.sessionTimeout = .seconds(6)
        let consumer = try KafkaConsumer(configuration: configuration, listener: FromZero(), logger: logger)
        var received = 0
        var lost: Int64 = 0
        var start: ContinuousClock.Instant?
        let deadline = ContinuousClock.now + .seconds(600)
        for try await event in consumer.events {
            switch event {
            case .records(let batch):
                if start == nil { start = .now }
                received += batch.records.count
            case .gap(let gap):
                lost += gap.lostOffsets.map { Int64($0.count) } ?? 0
                consumer.skipGap(gap)
            }
            if Int64(received) + lost >= Int64(expected) || ContinuousClock.now > deadline { break }
        }
        let seconds = start.map { (ContinuousClock.now - $0).seconds } ?? 0
        await consumer.close()
        if Int64(received) + lost < Int64(expected) {
            lost = Int64(expected - received)
        }
        return Result(recordsPerSecond: seconds > 0 ? Double(received) / seconds : 0, lostRecords: lost)
    }
}
