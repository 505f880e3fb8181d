import CRdKafka

/// An error raised by the Kafka client: configuration mistakes, broker errors, timeouts and
/// delivery failures.
///
/// `description` is safe to log: it never contains message payloads or secrets such as
/// `sasl.password`.
public struct KafkaError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Kind: Hashable, Sendable {
            case configuration
            case broker
            case timedOut
            case queueFull
            case closed
            case fatal
            case offsetGap
        }
        let kind: Kind

        /// A configuration property or option was rejected.
        public static let configuration = Code(kind: .configuration)
        /// The broker or librdkafka reported an error.
        public static let broker = Code(kind: .broker)
        /// An operation did not complete in time.
        public static let timedOut = Code(kind: .timedOut)
        /// The producer's local queue is full (back off and retry).
        public static let queueFull = Code(kind: .queueFull)
        /// The client was closed.
        public static let closed = Code(kind: .closed)
        /// librdkafka raised a fatal error: the client cannot continue and must be recreated.
        public static let fatal = Code(kind: .fatal)
        /// The consumer's next offset is no longer on the broker.
        public static let offsetGap = Code(kind: .offsetGap)

        public var description: String {
            switch kind {
            case .configuration: "configuration"
            case .broker: "broker"
            case .timedOut: "timed out"
            case .queueFull: "queue full"
            case .closed: "closed"
            case .fatal: "fatal"
            case .offsetGap: "offset gap"
            }
        }
    }

    /// The kind of failure.
    public var code: Code
    /// librdkafka's `rd_kafka_resp_err_t` value, when the failure came from librdkafka.
    public var rdKafkaCode: Int32?
    /// librdkafka's symbolic name for ``rdKafkaCode`` (for example `_MSG_TIMED_OUT`).
    public var rdKafkaName: String?
    /// Whether repeating the operation may succeed.
    public var isRetryable: Bool
    /// Whether the client is unusable after this error.
    public var isFatal: Bool
    /// What went wrong and, where possible, how to fix it.
    public var message: String

    /// Creates an error.
    public init(
        code: Code,
        message: String,
        rdKafkaCode: Int32? = nil,
        rdKafkaName: String? = nil,
        isRetryable: Bool = false,
        isFatal: Bool = false
    ) {
        self.code = code
        self.message = message
        self.rdKafkaCode = rdKafkaCode
        self.rdKafkaName = rdKafkaName
        self.isRetryable = isRetryable
        self.isFatal = isFatal
    }

    public var description: String {
        var text = "Kafka \(code) error: \(message)"
        if let rdKafkaName, let rdKafkaCode {
            text += " [\(rdKafkaName) (\(rdKafkaCode))"
            if isFatal { text += ", fatal" } else if isRetryable { text += ", retryable" }
            text += "]"
        }
        return text
    }
}

extension KafkaError {
    /// Whether a record sent to a topic can never be accepted as it is: the topic does not
    /// exist (and the broker will not create it), the client may not write to it, or the record
    /// is too large for it. Retrying does not help; an operator must act.
    public var isPermanentForRecord: Bool {
        guard let rdKafkaCode else { return false }
        return Self.permanentForRecord.contains(rdKafkaCode)
    }

    /// Whether the record itself is too large for the topic (another record may still fit).
    public var isRecordTooLarge: Bool {
        rdKafkaCode == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE.rawValue || rdKafkaCode == RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE.rawValue
    }

    private static let permanentForRecord: Set<Int32> = [
        RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED,
        RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC, RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION, RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE,
        RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE, RD_KAFKA_RESP_ERR_INVALID_RECORD,
    ].map(\.rawValue).reduce(into: []) { $0.insert($1) }

    /// Wraps a librdkafka response code.
    init(_ err: rd_kafka_resp_err_t, context: String) {
        let name = String(cString: rd_kafka_err2name(err))
        let detail = String(cString: rd_kafka_err2str(err))
        let code: Code
        switch err {
        case RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
            code = .timedOut
        case RD_KAFKA_RESP_ERR__QUEUE_FULL:
            code = .queueFull
        case RD_KAFKA_RESP_ERR__FATAL:
            code = .fatal
        case RD_KAFKA_RESP_ERR__DESTROY:
            code = .closed
        default:
            code = .broker
        }
        self.init(
            code: code,
            message: "\(context): \(detail)",
            rdKafkaCode: err.rawValue,
            rdKafkaName: name,
            isRetryable: Self.isRetryable(err),
            isFatal: err == RD_KAFKA_RESP_ERR__FATAL
        )
    }

    /// Wraps an `rd_kafka_error_t`, taking ownership of (and destroying) it.
    init(consuming error: OpaquePointer, context: String) {
        defer { rd_kafka_error_destroy(error) }
        let err = rd_kafka_error_code(error)
        self.init(err, context: context)
        self.message = "\(context): \(String(cString: rd_kafka_error_string(error)))"
        self.isRetryable = rd_kafka_error_is_retriable(error) != 0
        self.isFatal = rd_kafka_error_is_fatal(error) != 0
        if isFatal { code = .fatal }
    }

    static func configuration(_ message: String) -> KafkaError {
        KafkaError(code: .configuration, message: message)
    }

    static let closedClient = KafkaError(code: .closed, message: "the client has been closed")

    /// Transient conditions: the broker or network may recover on its own.
    private static func isRetryable(_ err: rd_kafka_resp_err_t) -> Bool {
        switch err {
        case RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT,
            RD_KAFKA_RESP_ERR__QUEUE_FULL, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__WAIT_COORD,
            RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
            RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
            RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND, RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION,
            RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_COORDINATOR,
            RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS, RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS,
            RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
            true
        default:
            false
        }
    }
}
