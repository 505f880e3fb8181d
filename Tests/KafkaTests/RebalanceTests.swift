import Kafka
import Testing

@Suite("Consumer groups: rebalances and start offsets")
struct RebalanceTests {
    @Test("two members split the partitions; when one leaves, the other is told, and reads the leaver's partitions from its committed offsets, records produced after it left included")
    func membersSplitAndTakeOver() async throws {
        try await withEmbeddedCluster(topics: ["shared": 4]) { cluster in
            let partitions = (0..<4).map { KafkaTopicPartition(topic: "shared", partition: Int32($0)) }
            // Start partition 3 of the survivor at offset 10: the listener's choice must be honoured.
            let listenerA = RecordingListener()
            let listenerB = RecordingListener()
            let consumerA = try KafkaConsumer(configuration: testConsumerConfiguration(cluster, group: "split", topics: ["shared"]), listener: listenerA)
            #expect(try await eventually { consumerA.assignment.count == 4 })
            let consumerB = try KafkaConsumer(configuration: testConsumerConfiguration(cluster, group: "split", topics: ["shared"]), listener: listenerB)
            #expect(try await eventually { consumerA.assignment.count == 2 && consumerB.assignment.count == 2 })
            #expect(Set(consumerA.assignment).isDisjoint(with: consumerB.assignment))
            #expect(Set(consumerA.assignment + consumerB.assignment) == Set(partitions))
            #expect(listenerA.recorded.first == .assigned(partitions))
            #expect(listenerA.recorded.contains(.revoked(partitions)), "A was told before its partitions were moved")

            let stats = try await produce(cluster, count: 400) { index in
                KafkaProducerMessage(topic: "shared", partition: Int32(index % 4), value: Array("\(index)".utf8))
            }
            #expect(stats.delivered == 400)
            let bRecords = try await collect(from: consumerB) { $0.count >= 200 }
            #expect(Set(bRecords.map(\.topicPartition)) == Set(consumerB.assignment))
            try await consumerB.commit(Dictionary(grouping: bRecords, by: \.topicPartition).mapValues { $0.map(\.offset).max()! + 1 })
            let bPartitions = consumerB.assignment
            await consumerB.close()
            #expect(listenerB.recorded.last == .revoked(bPartitions.sorted()))

            // A now owns everything. 100 more records per partition arrive after B left: A reads
            // its own partitions from the start, and B's from B's committed offsets, each once.
            #expect(try await eventually { consumerA.assignment.count == 4 })
            #expect(listenerA.recorded.last == .assigned(partitions))
            let later = try await produce(cluster, count: 400) { index in
                KafkaProducerMessage(topic: "shared", partition: Int32(index % 4), value: Array("later \(index)".utf8))
            }
            #expect(later.delivered == 400)
            let committedByB = Dictionary(grouping: bRecords, by: \.topicPartition).mapValues { $0.map(\.offset).max()! + 1 }
            let expected = partitions.reduce(0) { $0 + 200 - Int(committedByB[$1] ?? 0) }
            let aRecords = try await collect(from: consumerA) { $0.count >= expected }
            let aOffsets = Dictionary(grouping: aRecords, by: \.topicPartition).mapValues { $0.map(\.offset) }
            for partition in partitions {
                let from = committedByB[partition] ?? 0
                #expect(aOffsets[partition] == Array(from..<200), "\(partition): A read \(aOffsets[partition]?.count ?? 0) records, expected \(from)..<200")
            }
            #expect(bPartitions.allSatisfy { committedByB[$0]! > 0 }, "B committed nothing: the check of its offsets would mean nothing")
            #expect(aRecords.count == expected)
            await consumerA.close()
        }
    }

    @Test("the start offset chosen in the assign handler is honoured")
    func assignHandlerChoosesStartOffset() async throws {
        try await withEmbeddedCluster(topics: ["seek": 2]) { cluster in
            _ = try await produce(cluster, count: 100) { index in
                KafkaProducerMessage(topic: "seek", partition: Int32(index % 2), value: Array("\(index)".utf8))
            }
            let listener = RecordingListener(startOffsets: [
                KafkaTopicPartition(topic: "seek", partition: 0): .offset(37),
                KafkaTopicPartition(topic: "seek", partition: 1): .end,
            ])
            let consumer = try KafkaConsumer(configuration: testConsumerConfiguration(cluster, group: "seekers", topics: ["seek"]), listener: listener)
            let records = try await collect(from: consumer) { $0.count >= 13 }
            #expect(records.map(\.offset) == Array(37..<50))
            #expect(records.allSatisfy { $0.topicPartition.partition == 0 })
            #expect(consumer.lag()[KafkaTopicPartition(topic: "seek", partition: 0)] == 0)
            await consumer.close()
        }
    }

    @Test("a member without a listener starts at the group's committed offsets")
    func startsAtCommittedOffsets() async throws {
        try await withEmbeddedCluster(topics: ["resume": 1]) { cluster in
            let partition = KafkaTopicPartition(topic: "resume", partition: 0)
            _ = try await produce(cluster, count: 50) { KafkaProducerMessage(topic: "resume", value: Array("\($0)".utf8)) }
            let first = try KafkaConsumer(configuration: testConsumerConfiguration(cluster, group: "resumers", topics: ["resume"]))
            let firstRecords = try await collect(from: first) { $0.count >= 50 }
            #expect(firstRecords.count == 50)
            try await first.commit([partition: 20])
            #expect(try await first.committedOffsets([partition]) == [partition: 20])
            await first.close()

            let second = try KafkaConsumer(configuration: testConsumerConfiguration(cluster, group: "resumers", topics: ["resume"]))
            let records = try await collect(from: second) { $0.count >= 30 }
            #expect(records.first?.offset == 20)
            #expect(records.count == 30)
            await second.close()
        }
    }
}
