import Foundation
import FraudCore
import Generator
import Kafka
import Synchronization
import Testing

@Suite("Kafka end to end", .serialized)
struct KafkaEndToEndTests {
    @Test("50,000 generated transactions reach an 8-partition topic, keyed and partitioned by account")
    func generateToEmbeddedKafka() async throws {
        let cluster = try EmbeddedKafkaCluster()
        defer { cluster.shutdown() }
        var flags = GeneratorFlags()
        flags.brokers = cluster.bootstrapServers
        flags.partitions = "8"
        flags.clock = "simulated"
        flags.count = "50000"
        flags.max = true
        flags.seed = "21"
        let options = try GeneratorOptions(flags: flags, environment: [:])
        let producedFrom = Int64(Date().timeIntervalSince1970 * 1000)
        let summary = try await GeneratorRun.run(options: options)
        let producedUntil = Int64(Date().timeIntervalSince1970 * 1000)
        #expect(summary.transactions == 50_000 && summary.deliveryErrors == 0)

        let admin = try KafkaAdmin(bootstrapServers: cluster.brokerAddresses)
        let topics = try await admin.listTopics()
        admin.close()
        #expect(topics["transactions"] == 8 && topics["transaction_labels"] == 8)

        var configuration = KafkaConsumerConfiguration(bootstrapServers: cluster.brokerAddresses, groupID: "generator-e2e", topics: ["transactions", "transaction_labels"])
        configuration.sessionTimeout = .seconds(6)
        configuration.fetchMaxWait = .milliseconds(10)
        let consumer = try KafkaConsumer(configuration: configuration)
        let expected = summary.transactions + summary.labels
        let records = try await collect(from: consumer, count: expected)
        await consumer.close()

        let transactions = records.filter { $0.topicPartition.topic == "transactions" }
        let labels = records.filter { $0.topicPartition.topic == "transaction_labels" }
        #expect(transactions.count == 50_000 && labels.count == summary.labels)
        var partitionOfAccount: [String: Int32] = [:]
        let decoder = TransactionDecoder()
        for record in transactions {
            let transaction = try decoder.decode(record.value)
            #expect(record.key == Array(transaction.accountFrom.utf8))
            // The produce time, not the (simulated, months earlier) event time.
            #expect((producedFrom...producedUntil).contains(record.timestampMillis ?? 0))
            let partition = partitionOfAccount[transaction.accountFrom, default: record.topicPartition.partition]
            #expect(partition == record.topicPartition.partition, "\(transaction.accountFrom) is on two partitions")
            partitionOfAccount[transaction.accountFrom] = partition
        }
        #expect(Set(partitionOfAccount.values).count == 8)
        let labelDecoder = LabelDecoder()
        for record in labels {
            let label = try labelDecoder.decode(record.value)
            #expect(record.key == Array(label.id.utf8))
        }
    }

    /// Reads until `count` records arrived, failing after 60 seconds.
    private func collect(from consumer: KafkaConsumer, count: Int) async throws -> [KafkaRecord] {
        let received = ReceivedRecords()
        let finished = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                for try await event in consumer.events {
                    guard case .records(let batch) = event else { continue }
                    if received.records.withLock({ $0 += batch.records; return $0.count >= count }) { return true }
                }
                return false
            }
            group.addTask {
                try await Task.sleep(for: .seconds(60))
                return false
            }
            let first = try await group.next()!
            group.cancelAll()
            return first
        }
        let records = received.records.withLock { $0 }
        if !finished { Issue.record("timed out waiting for \(count) records; \(records.count) arrived") }
        return records
    }
}

/// Records shared between the reading task and the test.
private final class ReceivedRecords: Sendable {
    let records = Mutex<[KafkaRecord]>([])
}
