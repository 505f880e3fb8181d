@testable import FraudPipeline
import Kafka
import Observability
import Prometheus

/// The worker's Prometheus metric families, read from a scrape of the real exporter, so that
/// compose/'s dashboards and rules are checked against what a worker serves rather than against
/// a list kept by hand. The dashboards and rules may use only these, Prometheus's own `up`, and a
/// histogram's `_bucket`, `_sum` and `_count` series.
enum MetricContract {
    /// Every family the exporter serves, with its `# TYPE`: made to appear by giving the
    /// exporter a partition with lag and a checkpoint, a latency and a sink write.
    static let families: [String: String] = {
        let registry = PrometheusCollectorRegistry()
        let metrics = WorkerMetrics(factory: PrometheusExporter.metricsFactory(registry: registry), modelVersion: "contract")
        metrics.setLagSource { [KafkaTopicPartition(topic: "transactions", partition: 0): 1] }
        metrics.recordCheckpoints([0])
        metrics.recordLatencies([1_000])
        metrics.recordSinkWrite(duration: .milliseconds(1), rows: 1)
        let text = String(decoding: PrometheusExporter(metrics: metrics, registry: registry).scrape(), as: UTF8.self)
        var families: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("# TYPE ") {
            let words = line.split(separator: " ")
            if words.count == 4 { families[String(words[2])] = String(words[3]) }
        }
        return families
    }()
    /// Counters.
    static let counters = names(ofType: "counter")
    /// Gauges (`consumer_lag` and `checkpoint_age_seconds` with a `partition` label,
    /// `model_info` with `version`).
    static let gauges = names(ofType: "gauge")
    /// Histograms.
    static let histograms = names(ofType: "histogram")
    /// Series Prometheus makes itself.
    static let prometheusSeries: Set<String> = ["up"]

    private static func names(ofType type: String) -> Set<String> {
        Set(families.filter { $0.value == type }.keys)
    }

    /// Whether a series name in a query is allowed.
    static func allows(_ series: String) -> Bool {
        if counters.contains(series) || gauges.contains(series) || prometheusSeries.contains(series) { return true }
        for suffix in ["_bucket", "_sum", "_count"] where series.hasSuffix(suffix) {
            if histograms.contains(String(series.dropLast(suffix.count))) { return true }
        }
        return false
    }
}
