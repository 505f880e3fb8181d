import Testing

/// The lexer that finds series names in queries, on queries like the dashboard's.
@Suite("PromQL series names")
struct PromQLSeriesNamesTests {
    @Test("functions, aggregations, label lists, matchers, ranges and numbers are not series")
    func examples() {
        #expect(PromQLSeriesNames.names(in: "histogram_quantile(0.99, sum by (le) (rate(fraudstream_end_to_end_latency_seconds_bucket[$__rate_interval])))")
            == ["fraudstream_end_to_end_latency_seconds_bucket"])
        #expect(PromQLSeriesNames.names(in: #"count(up{job="fraudstream-worker", instance=~"a|b"} == 1)"#) == ["up"])
        #expect(PromQLSeriesNames.names(in: "max by (partition) (fraudstream_consumer_lag) > 1e5")
            == ["fraudstream_consumer_lag"])
        #expect(PromQLSeriesNames.names(in: "count((a_total > 0) and on (instance) (b == 1) and on(instance) (sum by (instance) (c) < 100000))")
            == ["a_total", "b", "c"])
        #expect(PromQLSeriesNames.names(in: "deriv(sum(x)[10m:1m]) > 0 unless y offset 5m") == ["x", "y"])
        #expect(PromQLSeriesNames.names(in: "sum(rate(a[1m])) / sum(rate(b [1m])) * 100") == ["a", "b"])
    }

    @Test("a misspelt metric is reported, a contract one is allowed")
    func contract() {
        let names = PromQLSeriesNames.names(in: "sum(rate(fraudstream_transaction_scored_total[1m])) + sum(fraudstream_sink_batch_rows_count)")
        #expect(names.map(MetricContract.allows) == [false, true])
        #expect(!MetricContract.allows("fraudstream_consumer_lag_bucket"))
        #expect(MetricContract.allows("up"))
    }

    @Test("the contract is what the exporter serves: counters, gauges and histograms all read from a scrape")
    func contractFromTheExporter() {
        #expect(MetricContract.counters.contains("fraudstream_transactions_scored_total"))
        #expect(MetricContract.gauges.contains("fraudstream_consumer_lag") && MetricContract.gauges.contains("fraudstream_checkpoint_age_seconds"))
        #expect(MetricContract.histograms.contains("fraudstream_end_to_end_latency_seconds"))
        #expect(MetricContract.families.keys.allSatisfy { $0.hasPrefix("fraudstream_") }, "\(MetricContract.families)")
    }
}
