import Foundation

/// The Markdown report, the summary table for the terminal and the chart of a load test.
struct LoadTestReport {
    let figures: LoadTestFigures

    /// The report, with the chart (`chartFile`) referenced beside it.
    func markdown(chartFile: String, date: Date = Date()) -> String {
        var lines = [
            "# fraudstream load test",
            "",
            "\(ISO8601DateFormatter().string(from: date)); \(figures.machine).",
            "",
            "Reproduce: `\(figures.command)`",
            "",
        ]
        if let throughput = figures.throughput {
            let ratio = { (ceiling: Double) in ceiling > 0 ? Self.percent(throughput.transactionsPerSecond / ceiling) : "n/a" }
            lines += [
                "## Throughput",
                "",
                "\(Self.count(throughput.transactions)) transactions pre-filled over \(throughput.partitions) partitions "
                    + "(\(Self.count(throughput.accounts)) accounts), drained by one worker into PostgreSQL; timed from the "
                    + "worker's partition assignment to the last commit.",
                "",
                "| figure | measured | target |",
                "| --- | --- | --- |",
                "| end-to-end throughput | \(Self.count(Int(throughput.transactionsPerSecond))) tx/s (\(String(format: "%.1f", throughput.seconds)) s) | ≥ 100,000 tx/s |",
                "| share of the raw-COPY ceiling | \(ratio(throughput.copyCeiling)) | ≥ 80 % |",
                "| worker CPU per million transactions | \(String(format: "%.1f", throughput.cpuSecondsPerMillion)) s | reported |",
                "| worker peak resident memory | \(Self.mebibytes(throughput.peakResidentBytes)) | < 1 GiB |",
                "| records lost by the broker before the run | \(throughput.lostRecords) | 0 |",
                "",
                "### Ceilings, measured in the same run",
                "",
                "| ceiling | rate | end to end as a share of it |",
                "| --- | --- | --- |",
                "| raw binary COPY of the same rows into a copy of the table (same indexes and rollup triggers), batches of 5,000 | \(Self.count(Int(throughput.copyCeiling))) rows/s | \(ratio(throughput.copyCeiling)) |",
                "| the same COPY without the rollup triggers (indexes only) | \(Self.count(Int(throughput.copyWithoutRollupsCeiling))) rows/s | \(ratio(throughput.copyWithoutRollupsCeiling)) |",
                "| a plain librdkafka consumer draining the same topic | \(Self.count(Int(throughput.sourceCeiling))) records/s | \(ratio(throughput.sourceCeiling)) |",
                "| the pipeline without I/O: decode, features, model on in-memory batches (one core) | \(Self.count(Int(throughput.pipelineCeiling))) tx/s | \(ratio(throughput.pipelineCeiling)) |",
                "| scored-row encoding for COPY (one core) | \(Self.count(Int(throughput.encodingCeiling))) rows/s | \(ratio(throughput.encodingCeiling)) |",
                "",
            ]
        }
        if !figures.latency.isEmpty {
            lines += [
                "## Latency",
                "",
                "Steady rates from a generator process; end-to-end latency is the Kafka record timestamp (produce time) "
                    + "to the commit of the row's database transaction, from the worker's histogram. Target at 10,000 tx/s: "
                    + "p99 < 30 ms, p99.9 < 60 ms.",
                "",
                "| rate (tx/s) | scored | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | max lag | kept up | CPU s per million | peak memory |",
                "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
            ]
            for run in figures.latency {
                lines.append(
                    "| \(Self.count(run.rate)) | \(Self.count(run.transactions)) | \(Self.ms(run.p50)) | \(Self.ms(run.p90)) | \(Self.ms(run.p99)) | "
                        + "\(Self.ms(run.p999)) | \(Self.ms(run.max)) | \(run.maxLag) | \(run.keptUp ? "yes" : "no") | "
                        + "\(String(format: "%.1f", run.cpuSecondsPerMillion)) | \(Self.mebibytes(run.peakResidentBytes)) |")
            }
            lines += [
                "",
                "Whole run against its steady part (the per-second histograms after the first "
                    + "\(Int(LatencyRun.warmUp.seconds)) s: the start-up cost is the difference), and the time to "
                    + "alert: the transaction record's produce time to its alert record's, both Kafka timestamps, read by a "
                    + "consumer of the alerts topic. Target at 10,000 tx/s: time to alert p99 < 50 ms.",
                "",
                "| rate (tx/s) | whole run p50 / p99 / p99.9 ms | steady p50 / p99 / p99.9 ms | alerts | time to alert p50 / p99 / p99.9 ms |",
                "| --- | --- | --- | --- | --- |",
            ]
            for run in figures.latency {
                lines.append(
                    "| \(Self.count(run.rate)) | \(Self.ms(run.p50)) / \(Self.ms(run.p99)) / \(Self.ms(run.p999)) | "
                        + "\(Self.percentiles(run.steady)) | \(Self.count(run.alerts)) | \(Self.percentiles(run.timeToAlert)) |")
            }
            lines += [
                "",
                "Where the time goes (whole run): record timestamp to the end of scoring (the producer's linger, the broker, "
                    + "the fetch, the consumer's buffers and scoring), then the sink's writes; the end-to-end latency is the "
                    + "first, plus the wait in the sink's queue (flush interval, a write in progress), plus one write.",
                "",
                "| rate (tx/s) | to scored p50 / p99 / p99.9 ms | sink write p50 / p99 / p99.9 ms | rows per write (median) |",
                "| --- | --- | --- | --- |",
            ]
            for run in figures.latency {
                lines.append(
                    "| \(Self.count(run.rate)) | \(Self.percentiles(run.scoring)) | \(Self.percentiles(run.sinkWrite)) | \(Self.count(run.rowsPerWrite)) |")
            }
            lines += [
                "",
                "Who used the machine while the generator ran, in cores (CPU seconds per second; the broker, the generator "
                    + "and PostgreSQL share the machine with the worker):",
                "",
                "| rate (tx/s) | CPU by process, cores | machine busy |",
                "| --- | --- | --- |",
            ]
            for run in figures.latency {
                let processes = run.cpuCores.map { "\($0.name) \(String(format: "%.2f", $0.cores))" }.joined(separator: ", ")
                let busy = run.machineBusy.map { "\(Self.percent($0)) of \(run.machineCores) cores" } ?? "n/a"
                lines.append("| \(Self.count(run.rate)) | \(processes.isEmpty ? "n/a" : processes) | \(busy) |")
            }
            lines.append("")
        }
        if let dashboard = figures.dashboard {
            lines += [
                "## Dashboard",
                "",
                "`fraudstream dashboard` over HTTP against \(Self.count(dashboard.rows)) scored rows spread over the last three "
                    + "hours (\(Self.count(dashboard.labels)) labels; \(Self.mebibytes(dashboard.tableBytes)) with indexes; seeded in "
                    + "\(String(format: "%.0f", dashboard.seedingSeconds)) s, rollup triggers included), each endpoint with its default "
                    + "range: the median and the slowest of five requests after one to warm up. Target: < 50 ms each.",
                "",
                "| endpoint | reads | median ms | slowest ms |",
                "| --- | --- | --- | --- |",
            ]
            for endpoint in dashboard.endpoints {
                lines.append("| `\(endpoint.path)` | \(endpoint.reads) | \(Self.ms(endpoint.median)) | \(Self.ms(endpoint.max)) |")
            }
            lines.append("")
        }
        lines += ["![throughput and latency over time](\(chartFile))", ""]
        return lines.joined(separator: "\n")
    }

    /// A few lines for the terminal.
    func summary() -> String {
        var lines: [String] = []
        if let throughput = figures.throughput {
            lines.append("throughput: \(Self.count(Int(throughput.transactionsPerSecond))) tx/s end to end; "
                + "ceilings: COPY \(Self.count(Int(throughput.copyCeiling))) rows/s, consumer \(Self.count(Int(throughput.sourceCeiling))) records/s, "
                + "pipeline \(Self.count(Int(throughput.pipelineCeiling))) tx/s; "
                + "worker CPU \(String(format: "%.1f", throughput.cpuSecondsPerMillion)) s per million, peak \(Self.mebibytes(throughput.peakResidentBytes))")
        }
        for run in figures.latency {
            lines.append("latency at \(Self.count(run.rate))/s: p50 \(Self.ms(run.p50)) ms, p99 \(Self.ms(run.p99)) ms, "
                + "p99.9 \(Self.ms(run.p999)) ms, max \(Self.ms(run.max)) ms; steady p50 / p99 / p99.9 \(Self.percentiles(run.steady)) ms; "
                + "time to alert p50 / p99 / p99.9 \(Self.percentiles(run.timeToAlert)) ms (\(run.alerts) alerts); "
                + "to scored p50 / p99 \(run.scoring.map { "\(Self.ms($0.p50)) / \(Self.ms($0.p99))" } ?? "n/a") ms, "
                + "sink write p50 / p99 \(run.sinkWrite.map { "\(Self.ms($0.p50)) / \(Self.ms($0.p99))" } ?? "n/a") ms; "
                + "machine busy \(run.machineBusy.map(Self.percent) ?? "n/a"); "
                + "max lag \(run.maxLag); kept up: \(run.keptUp ? "yes" : "no")")
        }
        if let dashboard = figures.dashboard {
            lines.append("dashboard at \(Self.count(dashboard.rows)) rows: "
                + dashboard.endpoints.map { "\($0.path) \(Self.ms($0.median)) ms" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    /// Throughput over time, and latency percentiles over time for each rate.
    func chart() -> [UInt8] {
        var panels: [LineChart.Panel] = []
        if let throughput = figures.throughput, !throughput.timeline.isEmpty {
            panels.append(LineChart.Panel(
                title: "throughput run: rows written per second", yUnit: "tx/s",
                series: [LineChart.Series(name: "written/s", points: throughput.timeline.map { ($0.seconds, $0.rate) })]))
        }
        for run in figures.latency {
            panels.append(LineChart.Panel(
                title: "latency at \(Self.count(run.rate)) tx/s (per second)", yUnit: "ms",
                series: [
                    LineChart.Series(name: "p50", points: run.timeline.map { ($0.seconds, $0.p50) }),
                    LineChart.Series(name: "p99", points: run.timeline.map { ($0.seconds, $0.p99) }),
                    LineChart.Series(name: "p99.9", points: run.timeline.map { ($0.seconds, $0.p999) }),
                ]))
        }
        return LineChart(panels: panels, xLabel: "seconds since the run started").png()
    }

    static func count(_ value: Int) -> String {
        let digits = String(value)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0, character.isNumber, out.last?.isNumber ?? false { out.append(",") }
            out.append(character)
        }
        return out
    }

    /// `p50 / p99 / p99.9` in milliseconds, or `n/a`.
    static func percentiles(_ figures: (p50: Double, p99: Double, p999: Double)?) -> String {
        guard let figures else { return "n/a" }
        return "\(ms(figures.p50)) / \(ms(figures.p99)) / \(ms(figures.p999))"
    }

    static func ms(_ value: Double) -> String { String(format: value < 10 ? "%.2f" : "%.1f", value) }
    static func percent(_ value: Double) -> String { String(format: "%.0f %%", value * 100) }
    static func mebibytes(_ bytes: Int) -> String { "\(bytes / (1 << 20)) MiB" }
}
