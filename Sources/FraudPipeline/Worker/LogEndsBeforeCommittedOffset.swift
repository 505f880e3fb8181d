import Logging

/// What the worker logs when a partition's log ends before the partition's committed offset in
/// PostgreSQL: the topic was deleted and recreated, or truncated. Reading on would treat the new
/// records below the committed offset as replays and drop their outputs, so the partition stops
/// until an operator accepts the new log with `fraudstream offsets reset`.
enum LogEndsBeforeCommittedOffset {
    static let message: Logger.Message = """
        the partition's log ends before its committed offset: the topic was deleted and recreated, or truncated; \
        the partition is stopped and nothing of it is read. To accept the new log, run \
        `fraudstream offsets reset --partition <partition>` (with this worker's --group, --topic and --database), then restart the workers
        """

    static func metadata(partition: Int32, committedOffset: Int64, log: Range<Int64>) -> Logger.Metadata {
        [
            "partition": "\(partition)", "committedOffset": "\(committedOffset)",
            "logStart": "\(log.lowerBound)", "logEnd": "\(log.upperBound)",
        ]
    }
}
