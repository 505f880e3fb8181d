import Kafka
@testable import LoadTest
import Testing

@Suite("Time to alert")
struct AlertLatenciesTests {
    private func alert(produced: Int64, alerted: Int64) -> KafkaRecord {
        let json = #"{"transaction":{"id":"T1","note":"record_timestamp"},"score":0.9,"scored_at":5,"record_timestamp":\#(produced)}"#
        return KafkaRecord(
            topicPartition: KafkaTopicPartition(topic: "alerts", partition: 0), offset: 0, key: nil, value: Array(json.utf8),
            timestampMillis: alerted)
    }

    @Test("the time from the transaction's produce time to the alert's, percentiles from an HDR histogram as the worker's latencies; records without the field are left out")
    func percentilesOfAlerts() throws {
        let latencies = AlertLatencies()
        #expect(latencies.percentiles() == nil)
        latencies.add((1...100).map { alert(produced: 1_000, alerted: 1_000 + Int64($0)) })
        latencies.add([KafkaRecord(
            topicPartition: KafkaTopicPartition(topic: "alerts", partition: 0), offset: 1, key: nil, value: Array("{}".utf8), timestampMillis: 9)])
        #expect(latencies.count == 100)
        let figures = try #require(latencies.percentiles())
        #expect(figures.p50 == 50 && figures.p99 == 99 && figures.p999 == 100)
        #expect(AlertLatencies.recordTimestamp(in: Array(#"{"record_timestamp":1767225599990}"#.utf8)) == 1_767_225_599_990)
        #expect(AlertLatencies.recordTimestamp(in: Array(#"{"record_timestamp":"x"}"#.utf8)) == nil)
    }
}
