import Kafka
import Synchronization

/// The time from produce to alert of every alert a load test reads: the alert record's Kafka
/// timestamp minus the `record_timestamp` the worker copies into it from the transaction's
/// record. Both are stamped by producers on this machine, so one clock measures both ends.
final class AlertLatencies: Sendable {
    private let millis = Mutex<[Int64]>([])

    /// Notes the alerts of `records`; a record without the field is ignored.
    func add(_ records: [KafkaRecord]) {
        var found: [Int64] = []
        for record in records {
            guard let alerted = record.timestampMillis, let produced = Self.recordTimestamp(in: record.value) else { continue }
            found.append(max(0, alerted - produced))
        }
        millis.withLock { $0 += found }
    }

    /// How many alerts were read.
    var count: Int { millis.withLock(\.count) }

    /// The p50, p99 and p99.9 in milliseconds (nearest rank), or `nil` with no alert.
    func percentiles() -> (p50: Double, p99: Double, p999: Double)? {
        let sorted = millis.withLock { $0.sorted() }
        guard !sorted.isEmpty else { return nil }
        func rank(_ percentile: Double) -> Double {
            let index = Int((percentile / 100 * Double(sorted.count)).rounded(.up)) - 1
            return Double(sorted[min(sorted.count - 1, max(0, index))])
        }
        return (rank(50), rank(99), rank(99.9))
    }

    /// The integer after `"record_timestamp":` in an alert's JSON.
    static func recordTimestamp(in value: [UInt8]) -> Int64? {
        let key = Array("\"record_timestamp\":".utf8)
        guard value.count > key.count else { return nil }
        for start in 0...(value.count - key.count) where value[start] == key[0] && Array(value[start..<start + key.count]) == key {
            var number: Int64 = 0
            var index = start + key.count
            guard index < value.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(value[index]) else { return nil }
            while index < value.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(value[index]) {
                number = number * 10 + Int64(value[index] - UInt8(ascii: "0"))
                index += 1
            }
            return number
        }
        return nil
    }
}
