import CRdKafka
import Logging
import Synchronization

/// Owns one `rd_kafka_t` handle: its creation, its callbacks and its destruction.
///
/// librdkafka handles are thread-safe; this class adds the glue between librdkafka's C callbacks
/// and Swift (logging, error events, delivery reports and rebalances), all reached through the
/// handle's opaque pointer.
final class RDKafkaClient: Sendable {
    /// Callbacks that librdkafka invokes; set once before the handle is used.
    final class Callbacks: @unchecked Sendable {
        // Written once during client setup, before any librdkafka thread can call back.
        var onDelivery: ((UnsafePointer<rd_kafka_message_t>) -> Void)?
        var onRebalance: ((rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> Void)?
        let logger: Logger
        /// The last error reported by the error callback, so that repeats are logged once.
        let lastError = Mutex<Int32>(0)

        init(logger: Logger) { self.logger = logger }
    }

    nonisolated(unsafe) let handle: OpaquePointer
    let callbacks: Callbacks
    let logger: Logger

    /// Creates a librdkafka client.
    ///
    /// - Parameters:
    ///   - type: producer or consumer.
    ///   - properties: librdkafka configuration properties.
    ///   - wantsDeliveryReports: registers the delivery report callback (producers).
    ///   - wantsRebalanceEvents: registers the rebalance callback (group consumers).
    init(
        type: rd_kafka_type_t,
        properties: [String: String],
        logger: Logger,
        wantsDeliveryReports: Bool = false,
        wantsRebalanceEvents: Bool = false,
        configure: (Callbacks) -> Void = { _ in }
    ) throws(KafkaError) {
        let callbacks = Callbacks(logger: logger)
        configure(callbacks)
        let conf = try RDKafkaConfig.make(properties)
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(callbacks).toOpaque())
        rd_kafka_conf_set_log_cb(conf, rdKafkaLogCallback)
        rd_kafka_conf_set_error_cb(conf, rdKafkaErrorCallback)
        if wantsDeliveryReports { rd_kafka_conf_set_dr_msg_cb(conf, rdKafkaDeliveryCallback) }
        if wantsRebalanceEvents { rd_kafka_conf_set_rebalance_cb(conf, rdKafkaRebalanceCallback) }

        var errstr = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(type, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)
            let reason = String(cChars: errstr)
            throw KafkaError.configuration("could not create the Kafka client: \(reason)")
        }
        self.handle = handle
        self.callbacks = callbacks
        self.logger = logger
    }

    /// Destroys the handle. Call exactly once, after every other use.
    func destroy() {
        rd_kafka_destroy(handle)
    }

    /// librdkafka's fatal error, if one was raised.
    func fatalError() -> KafkaError? {
        var errstr = [CChar](repeating: 0, count: 512)
        let err = rd_kafka_fatal_error(handle, &errstr, errstr.count)
        guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        var error = KafkaError(err, context: "fatal client error")
        error.message = "fatal client error: " + String(cChars: errstr)
        error.code = .fatal
        error.isFatal = true
        return error
    }

    /// Reads the cluster's topics and their partition counts. Blocks up to `timeout`.
    func topics(timeout: Duration) throws(KafkaError) -> [String: Int] {
        var metadata: UnsafePointer<rd_kafka_metadata_t>?
        let err = rd_kafka_metadata(handle, 1, nil, &metadata, Int32(timeout.milliseconds))
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw KafkaError(err, context: "could not read cluster metadata")
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        var result: [String: Int] = [:]
        for index in 0..<Int(metadata.pointee.topic_cnt) {
            let topic = metadata.pointee.topics[index]
            guard topic.err == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
            result[String(cString: topic.topic)] = Int(topic.partition_cnt)
        }
        return result
    }

    /// Asks the broker for a partition's low and high watermarks. Blocks up to `timeout`.
    func queryWatermarks(_ partition: KafkaTopicPartition, timeout: Duration) throws(KafkaError) -> (low: Int64, high: Int64) {
        var low: Int64 = -1
        var high: Int64 = -1
        let err = rd_kafka_query_watermark_offsets(
            handle, partition.topic, partition.partition, &low, &high, Int32(timeout.milliseconds))
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(err, context: "could not read the offsets of \(partition)")
        }
        return (low, high)
    }
}

private func callbacks(of rk: OpaquePointer?) -> RDKafkaClient.Callbacks? {
    guard let rk, let opaque = rd_kafka_opaque(rk) else { return nil }
    return Unmanaged<RDKafkaClient.Callbacks>.fromOpaque(opaque).takeUnretainedValue()
}

private let rdKafkaLogCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = {
    rk, level, facility, message in
    guard let callbacks = callbacks(of: rk), let message else { return }
    let facility = facility.map { String(cString: $0) } ?? "rdkafka"
    let logLevel: Logger.Level =
        switch level {
        case 0...3: .error
        case 4: .warning
        case 5, 6: .info
        default: .debug
        }
    callbacks.logger.log(level: logLevel, "\(String(cString: message))", metadata: ["rdkafka.facility": "\(facility)"])
}

private let rdKafkaErrorCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = {
    rk, err, reason, _ in
    guard let callbacks = callbacks(of: rk) else { return }
    // Brokers going up and down repeat the same error many times a second: log each change once.
    let isNew = callbacks.lastError.withLock { last in
        defer { last = err }
        return last != err
    }
    guard isNew else { return }
    let code = rd_kafka_resp_err_t(rawValue: err)
    callbacks.logger.warning(
        "Kafka client error: \(reason.map { String(cString: $0) } ?? "")",
        metadata: ["rdkafka.error": "\(String(cString: rd_kafka_err2name(code)))"])
}

private let rdKafkaDeliveryCallback: @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void = {
    rk, message, _ in
    guard let message, let callbacks = callbacks(of: rk) else { return }
    callbacks.onDelivery?(message)
}

private let rdKafkaRebalanceCallback:
    @convention(c) (OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?) -> Void = {
        rk, err, partitions, _ in
        guard let partitions, let callbacks = callbacks(of: rk) else { return }
        callbacks.onRebalance?(err, partitions)
    }
