import Foundation
import Histogram
import Kafka
import Synchronization

/// The time from produce to alert of every alert a load test reads: the alert record's Kafka
/// timestamp minus the `record_timestamp` the worker copies into it from the transaction's
/// record. Both are stamped by producers on this machine, so one clock measures both ends.
final class AlertLatencies: Sendable {
    /// Milliseconds, with the precision of the worker's own latency histogram.
    private let histogram = Mutex(Histogram<UInt64>(highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: .three))

    /// Notes the alerts of `records`; a record without the field is ignored.
    func add(_ records: [KafkaRecord]) {
        let found = records.compactMap { record -> UInt64? in
            guard let alerted = record.timestampMillis, let produced = Self.recordTimestamp(in: record.value) else { return nil }
            return UInt64(max(0, alerted - produced))
        }
        histogram.withLock { histogram in
            for millis in found { _ = histogram.record(min(millis, histogram.highestTrackableValue)) }
        }
    }

    /// How many alerts were read.
    var count: Int { histogram.withLock { Int($0.totalCount) } }

    /// The p50, p99 and p99.9 in milliseconds, or `nil` with no alert.
    func percentiles() -> (p50: Double, p99: Double, p999: Double)? {
        histogram.withLock { histogram in
            guard histogram.totalCount > 0 else { return nil }
            return (Double(histogram.valueAtPercentile(50)), Double(histogram.valueAtPercentile(99)), Double(histogram.valueAtPercentile(99.9)))
        }
    }

    /// The `record_timestamp` of an alert's JSON.
    static func recordTimestamp(in value: [UInt8]) -> Int64? {
        let object = try? JSONSerialization.jsonObject(with: Data(value)) as? [String: Any]
        return (object?["record_timestamp"] as? NSNumber)?.int64Value
    }
}
