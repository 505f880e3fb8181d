import CRdKafka

/// Copies records out of librdkafka messages.
enum RDKafkaMessage {
    /// Converts a successfully fetched message into a record.
    ///
    /// - Parameter topics: topic names by librdkafka topic handle, filled as handles are met, so
    ///   a name is read from C once per topic rather than once per record.
    static func record(from message: UnsafeMutablePointer<rd_kafka_message_t>, topics: inout [OpaquePointer: String]) -> KafkaRecord {
        let m = message.pointee
        let topic: String
        if let handle = m.rkt, let known = topics[handle] {
            topic = known
        } else {
            topic = String(cString: rd_kafka_topic_name(m.rkt))
            if let handle = m.rkt { topics[handle] = topic }
        }
        let value = m.payload.map { [UInt8](UnsafeRawBufferPointer(start: $0, count: m.len)) } ?? []
        let key = m.key.map { [UInt8](UnsafeRawBufferPointer(start: $0, count: m.key_len)) }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        return KafkaRecord(
            topicPartition: KafkaTopicPartition(topic: topic, partition: m.partition),
            offset: m.offset,
            key: key,
            value: value,
            headers: headers(of: message),
            timestampMillis: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp
        )
    }

    private static func headers(of message: UnsafeMutablePointer<rd_kafka_message_t>) -> [KafkaHeader] {
        var list: OpaquePointer?
        guard rd_kafka_message_headers(message, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        let count = rd_kafka_header_cnt(list)
        var headers: [KafkaHeader] = []
        headers.reserveCapacity(count)
        for index in 0..<count {
            var name: UnsafePointer<CChar>?
            var value: UnsafeRawPointer?
            var size = 0
            guard rd_kafka_header_get_all(list, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR, let name else { continue }
            headers.append(KafkaHeader(key: String(cString: name), value: value.map { [UInt8](UnsafeRawBufferPointer(start: $0, count: size)) }))
        }
        return headers
    }
}
