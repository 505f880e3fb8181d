import FraudCore
import Kafka

/// Turns flagged transactions into records for the alerts topic, keyed by the paying account.
///
/// An alert is a JSON object: `{"transaction": <the transaction's wire form>, "score": 0.97,
/// "threshold": 0.5, "model_version": "…", "partition": 3, "offset": 1234, "scored_at": <ms>,
/// "record_timestamp": <ms>}`; `record_timestamp` is the Kafka timestamp of the transaction's
/// record (its produce time), so a consumer can measure the time from produce to alert.
/// The threshold is that of the model version that scored the row, which changes when the
/// worker switches models. The sink puts the records in the ``Outbox`` with the rows, and the
/// ``OutboxRelay`` sends them after the commit: delivery is at least once (a relay stopped
/// between the broker's acknowledgement and its delete sends them again); consumers
/// de-duplicate by the transaction id.
struct FraudAlertEncoder: Sendable {
    let topic: String
    /// Knows the threshold of every model version this worker scored with.
    let models: ModelSelection

    /// The alert records of the flagged rows of `rows`, in order, each with the Kafka timestamp
    /// of its transaction's record.
    func messages(for rows: some Sequence<(row: ScoredTransaction, recordTimestamp: Int64)>) -> [KafkaProducerMessage] {
        // A write holds one version, or two around a switch: look each up once.
        var thresholds: [String: Double] = [:]
        var messages: [KafkaProducerMessage] = []
        for (row, recordTimestamp) in rows where row.flagged {
            let threshold = thresholds[row.modelVersion] ?? models.threshold(of: row.modelVersion)
            thresholds[row.modelVersion] = threshold
            messages.append(KafkaProducerMessage(
                topic: topic, key: Array(row.transaction.accountFrom.utf8),
                value: Self.encode(row, threshold: threshold, recordTimestamp: recordTimestamp)))
        }
        return messages
    }

    /// The alert's JSON bytes.
    static func encode(_ row: ScoredTransaction, threshold: Double, recordTimestamp: Int64) -> [UInt8] {
        var bytes = Array("{\"transaction\":".utf8)
        row.transaction.encode(into: &bytes)
        bytes += ",\"score\":\(row.score),\"threshold\":\(threshold),\"model_version\":".utf8
        appendString(row.modelVersion, to: &bytes)
        bytes += ",\"partition\":\(row.partition),\"offset\":\(row.offset),\"scored_at\":\(row.scoredAt.millisecondsSinceEpoch),\"record_timestamp\":\(recordTimestamp)}".utf8
        return bytes
    }

    private static func appendString(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                bytes += [UInt8(ascii: "\\"), byte]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
