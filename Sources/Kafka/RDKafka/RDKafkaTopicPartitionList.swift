import CRdKafka

/// Conversions between `rd_kafka_topic_partition_list_t` and Swift values.
enum RDKafkaTopicPartitionList {
    /// Creates a list; the caller destroys it with `rd_kafka_topic_partition_list_destroy`.
    static func make(_ offsets: [(KafkaTopicPartition, Int64)]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(offsets.count))!
        for (partition, offset) in offsets {
            let entry = rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition)!
            entry.pointee.offset = offset
        }
        return list
    }

    /// Runs `body` with a temporary list.
    static func with<T, E: Error>(
        _ offsets: [(KafkaTopicPartition, Int64)],
        _ body: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) throws(E) -> T
    ) throws(E) -> T {
        let list = make(offsets)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return try body(list)
    }

    /// The entries of `list` with their offsets and per-entry errors.
    static func entries(
        _ list: UnsafePointer<rd_kafka_topic_partition_list_t>
    ) -> [(partition: KafkaTopicPartition, offset: Int64, error: rd_kafka_resp_err_t)] {
        (0..<Int(list.pointee.cnt)).map { index in
            let element = list.pointee.elems[index]
            return (
                KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition),
                element.offset, element.err
            )
        }
    }
}
