import Dispatch
import Foundation
import FraudModel
import FraudPipeline
import Generator

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
    func liveLine(metrics: WorkerMetrics) async {
        let started = ContinuousClock.now
        var previous = metrics.snapshot()
        var tick = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            tick += 1
            let now = metrics.snapshot()
            let recent = metrics.takeIntervalLatency()
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
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// The final report.
    func summary(
        generated: GeneratorProgress, counters: WorkerMetrics.Snapshot, flagged: [FlaggedTransactionQuery.Row],
        outcome: ConfusionMatrix
    ) {
        var lines = [
            "",
            "generated \(generated.transactions) transactions (\(generated.fraud) fraud) and \(generated.labels) labels",
            "scored \(counters.scored), flagged \(counters.flagged), rejected \(counters.rejected), lost to retention \(counters.lostToRetention)",
            String(format: "end-to-end latency (record timestamp to commit): p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                   counters.latencyMilliseconds(atPercentile: 50), counters.latencyMilliseconds(atPercentile: 99),
                   counters.latencyMilliseconds(atPercentile: 100)),
            "",
            "latest flagged transactions:",
            FlaggedOutput.table(flagged),
            "model against the generator's labels (\(outcome.positives + outcome.negatives) transactions): "
                + "precision \(Self.percent(outcome.flagged == 0 ? nil : outcome.precision)), "
                + "recall \(Self.percent(outcome.positives == 0 ? nil : outcome.recall)) "
                + "(\(outcome.truePositives) caught, \(outcome.falsePositives) false alarms, \(outcome.falseNegatives) missed)",
            "",
            "The database is stopped now; `fraudstream flagged` and psql work against a running one (see README.md).",
        ]
        if counters.lostToRetention > 0 {
            lines.append("warning: \(counters.lostToRetention) records were deleted by the embedded broker before they were read")
        }
        print(lines.joined(separator: "\n"))
        fflushStandardOutput()
    }

    private static func percent(_ value: Double?) -> String {
        value.map { String(format: "%.1f %%", $0 * 100) } ?? "n/a"
    }
}
