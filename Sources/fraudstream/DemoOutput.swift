import Dispatch
import Foundation
import FraudModel
import FraudPipeline
import Generator
import Histogram

/// What `fraudstream demo` prints: progress on standard error (a live line on a terminal, a
/// line every five seconds otherwise), and the final report on standard output.
struct DemoOutput: Sendable {
    /// Whether standard error is a terminal, where the live line rewrites itself.
    let isTerminal = isatty(STDERR_FILENO) == 1

    /// One progress message.
    func status(_ message: String) {
        FileHandle.standardError.write(Data(("demo: " + message + "\n").utf8))
    }

    /// Prints the worker's rate, lag, flagged count and latency until cancelled.
    ///
    /// - Parameter historyScored: Whether the history has been generated and scored, so that
    ///   from then on latencies are the live part's.
    /// - Returns: The end-to-end latency recorded after the history was scored.
    func liveLine(metrics: WorkerMetrics, historyScored: @escaping @Sendable (WorkerMetrics.Snapshot) -> Bool) async -> Latency {
        let started = ContinuousClock.now
        var previous = metrics.snapshot()
        var live = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        var tick = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            tick += 1
            let now = metrics.snapshot()
            let recent = metrics.takeIntervalLatency()
            if historyScored(previous) { live.add(recent) }
            let p99 = recent.totalCount == 0 ? 0 : Double(recent.valueAtPercentile(99)) / 1000
            let elapsed = (ContinuousClock.now - started).components.seconds
            let line = "\(elapsed)s  scored \(now.scored) (\(now.scored - previous.scored)/s)  lag \(now.totalLag)  "
                + "flagged \(now.flagged)  rejected \(now.rejected)  latency p99 \(String(format: "%.1f", p99)) ms (last second)"
                + (now.databaseUnavailable ? "  (database unavailable)" : "")
            if isTerminal {
                FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
            } else if tick % 5 == 0 {
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            previous = now
        }
        live.add(metrics.takeIntervalLatency())
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
        return Latency(live)
    }

    /// Percentiles of end-to-end latency, in milliseconds.
    struct Latency: Sendable {
        var count: UInt64
        var p50: Double
        var p99: Double
        var max: Double

        init(_ histogram: Histogram<UInt64>) {
            count = histogram.totalCount
            p50 = Double(histogram.valueAtPercentile(50)) / 1000
            p99 = Double(histogram.valueAtPercentile(99)) / 1000
            max = Double(histogram.max) / 1000
        }
    }

    /// The final report.
    func summary(
        generated: GeneratorProgress, counters: WorkerMetrics.Snapshot, liveLatency: Latency,
        flagged: [FlaggedTransactionQuery.Row], outcome: DetectionReport
    ) {
        var lines = [
            "",
            "generated \(generated.transactions) live transactions (\(generated.fraud) fraud) after \(generated.historyTransactions) of history, and \(generated.labels) labels",
            "scored \(counters.scored), flagged \(counters.flagged), rejected \(counters.rejected), lost to retention \(counters.lostToRetention)",
            Self.latencyLine(liveLatency),
            "",
            "latest flagged transactions:",
            FlaggedOutput.table(flagged),
        ] + Self.outcomeLines(outcome) + [
            "",
            "The database is stopped now; `fraudstream flagged` and psql work against a running one (see README.md).",
        ]
        if counters.latencyOverflow > 0 {
            lines.append("warning: \(counters.latencyOverflow) rows took more than an hour from record to commit (counted at one hour in the percentiles)")
        }
        if counters.lostToRetention > 0 {
            lines.append("warning: \(counters.lostToRetention) records were deleted by the embedded broker before they were read")
        }
        print(lines.joined(separator: "\n"))
        fflushStandardOutput()
    }

    /// The live part's end-to-end latency; the history, produced as fast as possible, queues
    /// by design and is left out.
    static func latencyLine(_ live: Latency) -> String {
        guard live.count > 0 else { return "end-to-end latency of the live part: nothing was scored after the history" }
        return String(format: "end-to-end latency of the live part (record timestamp to commit, once the history was scored): "
            + "p50 %.1f ms, p99 %.1f ms, max %.1f ms", live.p50, live.p99, live.max)
    }

    /// The model's figures over every scored transaction, with their definitions.
    static func outcomeLines(_ outcome: DetectionReport) -> [String] {
        let matrix = outcome.confusionMatrix, all = outcome.all
        return [
            "model against the generator's labels, over all \(matrix.positives + matrix.negatives) scored transactions "
                + "(history and live; a transaction without a label counts as legitimate):",
            "  per transaction  precision \(percent(matrix.flagged == 0 ? nil : matrix.precision)), "
                + "recall \(percent(matrix.positives == 0 ? nil : matrix.recall)) "
                + "(\(matrix.truePositives) caught, \(matrix.falsePositives) false alarms, \(matrix.falseNegatives) missed)",
            "  per scenario     \(percent(all.detectionRate)) detected (\(all.detected) of \(all.scenarios); "
                + "a scenario is one account's fraud of one type, at most 30 minutes apart, detected when any of it is flagged)",
            "  by value         \(percent(all.valueDetectionRate)) of the money moved by fraud was flagged or moved by an already-flagged account",
            "  (the same definitions as fraudstream evaluate, the dashboard and the fraud_scenarios view; docs/model.md)",
        ]
    }

    private static func percent(_ value: Double?) -> String {
        value.map { String(format: "%.1f %%", $0 * 100) } ?? "n/a"
    }
}
