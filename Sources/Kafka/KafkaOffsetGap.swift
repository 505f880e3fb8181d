/// Records the consumer was about to read that are no longer on the broker.
///
/// Retention (or the embedded cluster's small per-partition log) removed them before they were
/// consumed. The consumer stops reading the partition and reports the gap; nothing further is
/// delivered for it until the caller acknowledges the loss with
/// ``KafkaConsumer/skipGap(_:)``.
public struct KafkaOffsetGap: Sendable, Hashable, CustomStringConvertible {
    /// The partition that lost records.
    public var topicPartition: KafkaTopicPartition
    /// The offset the consumer wanted to read next.
    public var requestedOffset: Int64
    /// The earliest offset still on the broker (its low watermark).
    public var earliestAvailableOffset: Int64
    /// The next offset the broker will write (its high watermark).
    public var latestAvailableOffset: Int64

    /// Creates a gap description.
    public init(
        topicPartition: KafkaTopicPartition,
        requestedOffset: Int64,
        earliestAvailableOffset: Int64,
        latestAvailableOffset: Int64
    ) {
        self.topicPartition = topicPartition
        self.requestedOffset = requestedOffset
        self.earliestAvailableOffset = earliestAvailableOffset
        self.latestAvailableOffset = latestAvailableOffset
    }

    /// The offsets that were lost, or `nil` when the requested offset lies beyond the end of
    /// the log (the topic was truncated or recreated) rather than before its start.
    public var lostOffsets: ClosedRange<Int64>? {
        requestedOffset < earliestAvailableOffset ? requestedOffset...(earliestAvailableOffset - 1) : nil
    }

    /// Where reading resumes once the gap is acknowledged.
    public var resumeOffset: Int64 {
        requestedOffset < earliestAvailableOffset ? earliestAvailableOffset : latestAvailableOffset
    }

    public var description: String {
        if let lost = lostOffsets {
            return "\(topicPartition): offsets \(lost.lowerBound)...\(lost.upperBound) "
                + "(\(lost.count) records) were removed by retention before they were consumed"
        }
        return "\(topicPartition): offset \(requestedOffset) lies beyond the end of the log "
            + "(\(latestAvailableOffset)); the partition was truncated or recreated"
    }
}
