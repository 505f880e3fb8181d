import Kafka
import Testing

@Suite("Producing and consuming through the embedded cluster")
struct ProduceConsumeTests {
    @Test("100,000 keyed records arrive exactly once, in partition order, with keys, headers and timestamps")
    func everyRecordArrivesOnceInOrder() async throws {
        try await withEmbeddedCluster(topics: ["records": 8]) { cluster in
            let count = 100_000
            let baseTime: Int64 = 1_767_225_600_000
            let stats = try await produce(cluster, count: count) { index in
                KafkaProducerMessage(
                    topic: "records",
                    key: Array("account-\(index % 977)".utf8),
                    value: Array("value-\(index)".utf8),
                    headers: [KafkaHeader(key: "index", string: String(index)), KafkaHeader(key: "empty", value: nil)],
                    timestampMillis: baseTime + Int64(index))
            }
            #expect(stats.delivered == count)
            #expect(stats.failed == 0)

            let consumer = try KafkaConsumer(configuration: testConsumerConfiguration(cluster, group: "g1", topics: ["records"]))
            let records = try await collect(from: consumer) { $0.count >= count }
            await consumer.close()

            #expect(records.count == count)
            var seen = Set<Int>()
            var lastOffset: [Int32: Int64] = [:]
            var lastIndexPerKey: [String: Int] = [:]
            var partitionOfKey: [String: Int32] = [:]
            for record in records {
                let index = Int(String(decoding: record.headers.first(named: "index") ?? [], as: UTF8.self))!
                #expect(seen.insert(index).inserted, "record \(index) delivered twice")
                #expect(record.value == Array("value-\(index)".utf8))
                let key = String(decoding: record.key ?? [], as: UTF8.self)
                #expect(key == "account-\(index % 977)")
                #expect(record.timestampMillis == baseTime + Int64(index))
                #expect(record.headers.count == 2 && record.headers[1] == KafkaHeader(key: "empty", value: nil))
                // Offsets increase within a partition, and records of one key keep send order.
                let partition = record.topicPartition.partition
                #expect(record.offset > lastOffset[partition, default: -1])
                lastOffset[partition] = record.offset
                #expect(index > lastIndexPerKey[key, default: -1])
                lastIndexPerKey[key] = index
                #expect(partitionOfKey[key, default: partition] == partition, "key \(key) spread over partitions")
                partitionOfKey[key] = partition
            }
            #expect(seen.count == count)
            #expect(Set(lastOffset.keys).count == 8, "every partition received records")
        }
    }

    @Test("send completes with the broker's acknowledgement: partition and offset")
    func sendReturnsDeliveryReport() async throws {
        try await withEmbeddedCluster(topics: ["acks": 2]) { cluster in
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: cluster.brokerAddresses))
            let reports = try await withThrowingTaskGroup(of: KafkaDeliveryReport.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        try await producer.send(KafkaProducerMessage(topic: "acks", partition: Int32(index % 2), value: [UInt8(index % 256)]))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            try await producer.close()
            for partition in Int32(0)...1 {
                let offsets = reports.filter { $0.topicPartition.partition == partition }.map(\.offset).sorted()
                #expect(offsets == Array(0..<100), "partition \(partition) offsets are 0..<100")
            }
            await #expect(throws: KafkaError.self) {
                try await producer.send(KafkaProducerMessage(topic: "acks", value: []))
            }
        }
    }

    @Test("a closed consumer can be closed again, paused, resumed and asked for its lag")
    func closedConsumerStaysUsable() async throws {
        try await withEmbeddedCluster(topics: ["closing": 2]) { cluster in
            let consumer = try KafkaConsumer(configuration: testConsumerConfiguration(cluster, group: "closing", topics: ["closing"]))
            await consumer.close()
            // Each of these used to reach a destroyed librdkafka queue or handle.
            await consumer.close()
            let partition = KafkaTopicPartition(topic: "closing", partition: 0)
            consumer.pause([partition])
            consumer.resume([partition])
            #expect(consumer.lag().isEmpty)
            var events = consumer.events.makeAsyncIterator()
            #expect(try await events.next() == nil)
        }
    }

    @Test("a send to a partition that does not exist throws the broker's error")
    func sendToMissingPartitionFails() async throws {
        try await withEmbeddedCluster(topics: ["small": 1]) { cluster in
            var configuration = KafkaProducerConfiguration(bootstrapServers: cluster.brokerAddresses)
            configuration.deliveryTimeout = .seconds(2)
            let producer = try KafkaProducer(configuration: configuration)
            let error = await #expect(throws: KafkaError.self) {
                try await producer.send(KafkaProducerMessage(topic: "small", partition: 7, value: [1]))
            }
            #expect(error?.rdKafkaName != nil)
            #expect(error?.description.contains("small") == true || error?.rdKafkaName == "_UNKNOWN_PARTITION")
            try await producer.close()
        }
    }
}
