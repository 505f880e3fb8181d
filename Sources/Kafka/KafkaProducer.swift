import CRdKafka
import Foundation
import Logging
import Synchronization
import Threading

/// Writes records to Kafka topics.
///
/// `send(_:)` completes when the broker has acknowledged the record (with the idempotent
/// default, when all in-sync replicas have it) or throws the broker's error. Records are
/// batched by librdkafka (see ``KafkaProducerConfiguration/linger``), so many concurrent sends
/// share network round trips. When the local queue is full, sends wait rather than fail.
///
/// - Important: Delivery reports are served by a dedicated thread owned by the producer, and
///   flushing runs on another; nothing here blocks Swift's cooperative thread pool. Call
///   ``close(timeout:)`` when done: it flushes outstanding records and releases the client.
public final class KafkaProducer: Sendable {
    /// Delivery counts since the producer was created.
    public struct Statistics: Sendable, Hashable {
        /// Records the broker acknowledged.
        public var delivered: Int = 0
        /// Records whose delivery failed.
        public var failed: Int = 0
        /// The latest delivery failure.
        public var lastError: String?
    }

    private let client: RDKafkaClient
    private let blocking: DedicatedThread
    private let stats = StatisticsBox()
    private let running = RunFlag()
    private let pollerDone = DispatchSemaphore(value: 0)
    /// Calls into librdkafka under way in ``enqueue(_:opaque:)``; ``close(timeout:)`` waits for
    /// them to end before it destroys the handle they use.
    private let enqueuing = Atomic<Int>(0)

    /// Creates a producer and connects it to the cluster in the background.
    ///
    /// - Throws: ``KafkaError/Code/configuration`` when a property is rejected.
    public init(configuration: KafkaProducerConfiguration, logger: Logger = Logger(label: "fraudstream.kafka.producer")) throws(KafkaError) {
        let stats = self.stats
        client = try RDKafkaClient(
            type: RD_KAFKA_PRODUCER, properties: configuration.properties, logger: logger, wantsDeliveryReports: true
        ) { callbacks in
            callbacks.onDelivery = { message in Self.deliver(message, stats: stats) }
        }
        blocking = DedicatedThread(name: "kafka-producer-flush") { KafkaError.closedClient }
        let thread = Thread { [client, running, pollerDone] in
            // Serves delivery reports and other callbacks until the producer closes.
            while running.isRunning {
                rd_kafka_poll(client.handle, 50)
            }
            pollerDone.signal()
        }
        thread.name = "kafka-producer-poll"
        thread.start()
    }

    /// Counts of delivered and failed records so far.
    public var statistics: Statistics { stats.state.withLock { $0 } }

    /// Sends a record and waits for the broker's acknowledgement.
    ///
    /// - Returns: the partition and offset the record was written to.
    /// - Throws: ``KafkaError`` with the broker's error code when delivery fails, or
    ///   ``KafkaError/Code/closed`` after ``close(timeout:)``.
    @discardableResult
    public func send(_ message: KafkaProducerMessage) async throws -> KafkaDeliveryReport {
        while true {
            let outcome = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<SendOutcome, any Error>) in
                let promise = Unmanaged.passRetained(DeliveryPromise(continuation))
                do {
                    if try enqueue(message, opaque: promise.toOpaque()) == false {
                        promise.release()
                        continuation.resume(returning: .queueFull)
                    }
                } catch {
                    promise.release()
                    continuation.resume(throwing: error)
                }
            }
            switch outcome {
            case .delivered(let report): return report
            case .queueFull: try await Task.sleep(for: .milliseconds(1))
            }
        }
    }

    /// Queues a record without waiting for its acknowledgement; waits only while the local
    /// queue is full. The outcome is counted in ``statistics``.
    ///
    /// - Throws: ``KafkaError`` when the record cannot be queued (for example an unknown
    ///   partition), or ``KafkaError/Code/closed`` after ``close(timeout:)``.
    public func sendWithoutWaiting(_ message: KafkaProducerMessage) async throws {
        while try enqueue(message, opaque: nil) == false {
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    /// Waits until every queued record is delivered or failed.
    ///
    /// - Throws: ``KafkaError/Code/timedOut`` when records are still outstanding after `timeout`.
    public func flush(timeout: Duration = .seconds(30)) async throws {
        let client = self.client
        let err = try await blocking.run { rd_kafka_flush(client.handle, Int32(timeout.milliseconds)) }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(err, context: "\(rd_kafka_outq_len(client.handle)) records still undelivered after \(timeout)")
        }
    }

    /// Connects to the cluster and reads its metadata now, so that the first records sent are
    /// not held while the producer finds the brokers (their timestamps, taken when they are
    /// queued, would otherwise include that wait).
    ///
    /// - Throws: ``KafkaError`` when the cluster does not answer within `timeout`.
    public func connect(timeout: Duration = .seconds(10)) async throws {
        let client = self.client
        _ = try await blocking.run { try client.topics(timeout: timeout) }
    }

    /// Flushes outstanding records, then releases the client. Further sends throw.
    ///
    /// - Throws: ``KafkaError/Code/timedOut`` when records were still undelivered after
    ///   `timeout`; the client is released regardless.
    public func close(timeout: Duration = .seconds(30)) async throws {
        guard running.stop() else { return }
        defer { blocking.shutdown() }
        let client = self.client
        let pollerDone = self.pollerDone
        let remaining = try await blocking.run { [self] () -> Int32 in
            rd_kafka_flush(client.handle, Int32(timeout.milliseconds))
            pollerDone.wait()
            let remaining = rd_kafka_outq_len(client.handle)
            if remaining > 0 {
                // Fail what is still queued or in flight, and serve those delivery reports, so
                // that senders awaiting them get an error instead of waiting forever.
                _ = rd_kafka_purge(client.handle, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT | RD_KAFKA_PURGE_F_NON_BLOCKING))
                let deadline = ContinuousClock.now + .seconds(5)
                while rd_kafka_outq_len(client.handle) > 0, ContinuousClock.now < deadline {
                    rd_kafka_poll(client.handle, 10)
                }
            }
            // An enqueue that saw the producer running may still be inside librdkafka.
            while self.enqueuing.load(ordering: .sequentiallyConsistent) > 0 { usleep(100) }
            client.destroy()
            return remaining
        }
        if remaining > 0 {
            throw KafkaError(code: .timedOut, message: "\(remaining) records were not delivered before close")
        }
    }

    /// Hands a record to librdkafka.
    ///
    /// - Returns: `false` when the local queue is full and the caller should retry.
    private func enqueue(_ message: KafkaProducerMessage, opaque: UnsafeMutableRawPointer?) throws(KafkaError) -> Bool {
        // Announce the call before checking `running`: close() stops `running` before it waits
        // for this count to reach zero, so either it sees this call or this call sees it.
        enqueuing.add(1, ordering: .sequentiallyConsistent)
        defer { enqueuing.subtract(1, ordering: .sequentiallyConsistent) }
        guard running.isRunning else { throw KafkaError.closedClient }
        let headers = message.headers.isEmpty ? nil : Self.makeHeaders(message.headers)
        let error: OpaquePointer? = message.topic.withCString { topic in
            message.value.withUnsafeBytes { value in
                withOptionalBytes(message.key) { key in
                    // At most eight arguments, on the stack: no allocation per record.
                    withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 8) { values in
                        var count = 0
                        func append(_ type: rd_kafka_vtype_t, _ set: (inout rd_kafka_vu_t.__Unnamed_union_u) -> Void) {
                            values.initializeElement(at: count, to: rd_kafka_vu_t(type, set))
                            count += 1
                        }
                        append(RD_KAFKA_VTYPE_TOPIC) { $0.cstr = topic }
                        append(RD_KAFKA_VTYPE_VALUE) { $0.mem = .init(ptr: UnsafeMutableRawPointer(mutating: value.baseAddress), size: value.count) }
                        append(RD_KAFKA_VTYPE_MSGFLAGS) { $0.i = RD_KAFKA_MSG_F_COPY }
                        if let key {
                            append(RD_KAFKA_VTYPE_KEY) { $0.mem = .init(ptr: UnsafeMutableRawPointer(mutating: key.baseAddress), size: key.count) }
                        }
                        if let partition = message.partition {
                            append(RD_KAFKA_VTYPE_PARTITION) { $0.i32 = partition }
                        }
                        if let timestamp = message.timestampMillis {
                            append(RD_KAFKA_VTYPE_TIMESTAMP) { $0.i64 = timestamp }
                        }
                        if let headers {
                            append(RD_KAFKA_VTYPE_HEADERS) { $0.headers = headers }
                        }
                        if let opaque {
                            append(RD_KAFKA_VTYPE_OPAQUE) { $0.ptr = opaque }
                        }
                        defer { values.baseAddress!.deinitialize(count: count) }
                        return rd_kafka_produceva(client.handle, values.baseAddress, count)
                    }
                }
            }
        }
        guard let error else { return true }
        // On failure the headers were not taken over by librdkafka.
        if let headers { rd_kafka_headers_destroy(headers) }
        let code = rd_kafka_error_code(error)
        if code == RD_KAFKA_RESP_ERR__QUEUE_FULL {
            rd_kafka_error_destroy(error)
            return false
        }
        throw KafkaError(consuming: error, context: "could not send to topic \(message.topic)")
    }

    private static func makeHeaders(_ headers: [KafkaHeader]) -> OpaquePointer {
        let list = rd_kafka_headers_new(headers.count)!
        for header in headers {
            if let value = header.value {
                value.withUnsafeBytes { bytes in
                    _ = rd_kafka_header_add(list, header.key, -1, bytes.baseAddress, bytes.count)
                }
            } else {
                _ = rd_kafka_header_add(list, header.key, -1, nil, 0)
            }
        }
        return list
    }

    /// Runs on the poll thread for every record librdkafka finished with.
    private static func deliver(_ message: UnsafePointer<rd_kafka_message_t>, stats: StatisticsBox) {
        let result: Result<KafkaDeliveryReport, KafkaError>
        if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
            let topic = String(cString: rd_kafka_topic_name(message.pointee.rkt))
            result = .success(KafkaDeliveryReport(
                topicPartition: KafkaTopicPartition(topic: topic, partition: message.pointee.partition),
                offset: message.pointee.offset))
        } else {
            result = .failure(KafkaError(message.pointee.err, context: "delivery failed"))
        }
        stats.state.withLock { stats in
            switch result {
            case .success: stats.delivered += 1
            case .failure(let error):
                stats.failed += 1
                stats.lastError = error.description
            }
        }
        if let opaque = message.pointee._private {
            Unmanaged<DeliveryPromise>.fromOpaque(opaque).takeRetainedValue().continuation.resume(with: result.map(SendOutcome.delivered))
        }
    }
}

private final class StatisticsBox: Sendable {
    let state = Mutex(KafkaProducer.Statistics())
}

private enum SendOutcome: Sendable {
    case delivered(KafkaDeliveryReport)
    case queueFull
}

private final class DeliveryPromise {
    let continuation: CheckedContinuation<SendOutcome, any Error>
    init(_ continuation: CheckedContinuation<SendOutcome, any Error>) { self.continuation = continuation }
}

private func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBytes { body($0) }
}

extension rd_kafka_vu_t {
    fileprivate init(_ type: rd_kafka_vtype_t, _ set: (inout rd_kafka_vu_t.__Unnamed_union_u) -> Void) {
        self.init()
        vtype = type
        set(&u)
    }
}
