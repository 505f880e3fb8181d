/// Where a generator run writes encoded records.
///
/// A run calls a sink from one task at a time, on the run's own thread, so implementations
/// may block (file writes) and need no locking.
public protocol GeneratorSink: AnyObject {
    /// Writes one transaction.
    ///
    /// - Parameters:
    ///   - value: The canonical JSON of the transaction; the buffer is reused after the call.
    ///   - key: The partitioning key, the transaction's `account_from`.
    ///   - timestampMillis: The event time, in milliseconds since the epoch.
    /// - Throws: When the record cannot be written or queued; the run stops.
    func writeTransaction(_ value: [UInt8], key: String, timestampMillis: Int64) async throws

    /// Writes one label.
    ///
    /// - Parameters:
    ///   - value: The canonical JSON of the label; the buffer is reused after the call.
    ///   - key: The labelled transaction's id.
    ///   - timestampMillis: The label's `labeled_at`, in milliseconds since the epoch.
    /// - Throws: When the record cannot be written or queued; the run stops.
    func writeLabel(_ value: [UInt8], key: String, timestampMillis: Int64) async throws

    /// Records that failed after they were accepted (Kafka delivery failures); 0 for files.
    var deliveryErrors: Int { get }

    /// The latest delivery failure, if any.
    var lastDeliveryError: String? { get }

    /// Writes out everything accepted so far and releases the sink.
    ///
    /// - Throws: When buffered records cannot be written or delivered.
    func finish() async throws
}
