/// The worker's Prometheus metric names as agreed for issue 8 (the exporter's contract). The
/// lead reconciles this list with the exporter; the dashboards and rules in compose/ may use
/// only these, Prometheus's own `up`, and a histogram's `_bucket`, `_sum` and `_count` series.
enum MetricContract {
    /// Counters.
    static let counters: Set<String> = [
        "fraudstream_transactions_consumed_total", "fraudstream_transactions_scored_total",
        "fraudstream_transactions_written_total", "fraudstream_transactions_flagged_total",
        "fraudstream_messages_rejected_total", "fraudstream_transactions_late_total",
        "fraudstream_transactions_duplicate_total", "fraudstream_records_lost_to_retention_total",
        "fraudstream_sink_retries_total", "fraudstream_checkpoints_total", "fraudstream_labels_total",
        "fraudstream_model_swaps_total",
    ]
    /// Gauges (`consumer_lag` and `checkpoint_age_seconds` with a `partition` label,
    /// `model_info` with `version`).
    static let gauges: Set<String> = [
        "fraudstream_consumer_lag", "fraudstream_assigned_partitions", "fraudstream_checkpoint_age_seconds",
        "fraudstream_database_available", "fraudstream_model_info",
    ]
    /// Histograms.
    static let histograms: Set<String> = [
        "fraudstream_end_to_end_latency_seconds", "fraudstream_sink_write_duration_seconds", "fraudstream_sink_batch_rows",
    ]
    /// Series Prometheus makes itself.
    static let prometheusSeries: Set<String> = ["up"]

    /// Whether a series name in a query is allowed.
    static func allows(_ series: String) -> Bool {
        if counters.contains(series) || gauges.contains(series) || prometheusSeries.contains(series) { return true }
        for suffix in ["_bucket", "_sum", "_count"] where series.hasSuffix(suffix) {
            if histograms.contains(String(series.dropLast(suffix.count))) { return true }
        }
        return false
    }
}
