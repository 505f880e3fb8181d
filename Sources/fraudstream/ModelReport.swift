import FraudModel
import Foundation

/// Prints a model's evaluation figures the same way for `train`, `evaluate` and `model show`.
enum ModelReport {
    static func lines(_ evaluation: ModelEvaluation, rows: Int, title: String) -> [String] {
        let matrix = evaluation.confusionMatrix
        var lines = [
            "\(title): \(rows) transactions, \(matrix.positives) fraud (\(percent(Double(matrix.positives) / Double(max(rows, 1))))); unlabelled transactions count as legitimate",
            "  threshold  \(format(evaluation.threshold, digits: 4))",
            "  per transaction: precision \(format(evaluation.precision))   recall \(format(evaluation.recall))   F1 \(format(evaluation.f1))",
            "  PR-AUC     \(evaluation.prAUC.map { format($0) } ?? "n/a")   ROC-AUC \(evaluation.rocAUC.map { format($0) } ?? "n/a")",
            "  confusion  TP \(matrix.truePositives)   FP \(matrix.falsePositives)   FN \(matrix.falseNegatives)   TN \(matrix.trueNegatives)",
        ]
        if let detection = evaluation.detection {
            lines += detectionLines(detection)
        }
        if !evaluation.segments.isEmpty {
            let scenarios = Dictionary(uniqueKeysWithValues: (evaluation.detection?.byType ?? []).map { ($0.name, $0) })
            lines.append("  per fraud type     recall (flagged of fraud)   scenarios detected   early   value detected")
            for segment in evaluation.segments {
                var line = "    \(pad(segment.name, 18)) \(pad("\(format(segment.recall)) (\(segment.truePositives) of \(segment.positives))", 25))"
                if let figures = scenarios[segment.name] {
                    line += "   " + pad("\(rate(figures.detectionRate)) (\(figures.detected) of \(figures.scenarios))", 18)
                        + "   " + pad(rate(figures.earlyDetectionRate), 5) + "   " + rate(figures.valueDetectionRate)
                }
                lines.append(line)
            }
        }
        return lines
    }

    /// The scenario and value lines, with their definitions.
    static func detectionLines(_ detection: DetectionReport) -> [String] {
        let all = detection.all
        return [
            "  scenarios  \(rate(all.detectionRate)) detected (\(all.detected) of \(all.scenarios)), "
                + "\(rate(all.earlyDetectionRate)) of multi-transaction ones before their last transaction",
            "  value      \(rate(all.valueDetectionRate)) of the money moved by fraud was flagged or moved by an already-flagged account",
            "  (a scenario: one account's fraud transactions of one type, at most 30 minutes apart; detected: any of them flagged)",
        ]
    }

    static func format(_ value: Double, digits: Int = 3) -> String {
        String(format: "%.\(digits)f", value)
    }

    static func percent(_ value: Double) -> String {
        String(format: "%.2f %%", value * 100)
    }

    /// A rate as a percentage with one decimal, or `n/a`.
    static func rate(_ value: Double?) -> String {
        value.map { String(format: "%.1f %%", $0 * 100) } ?? "n/a"
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text.padding(toLength: width, withPad: " ", startingAt: 0)
    }
}
