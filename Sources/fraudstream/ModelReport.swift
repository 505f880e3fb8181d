import FraudModel
import Foundation

/// Prints a model's evaluation figures the same way for `train` and `evaluate`.
enum ModelReport {
    static func lines(_ evaluation: ModelEvaluation, rows: Int, title: String) -> [String] {
        let matrix = evaluation.confusionMatrix
        var lines = [
            "\(title): \(rows) transactions, \(matrix.positives) fraud (\(percent(Double(matrix.positives) / Double(max(rows, 1)))))",
            "  threshold  \(format(evaluation.threshold, digits: 4))",
            "  precision  \(format(evaluation.precision))   recall \(format(evaluation.recall))   F1 \(format(evaluation.f1))",
            "  PR-AUC     \(evaluation.prAUC.map { format($0) } ?? "n/a")   ROC-AUC \(evaluation.rocAUC.map { format($0) } ?? "n/a")",
            "  confusion  TP \(matrix.truePositives)   FP \(matrix.falsePositives)   FN \(matrix.falseNegatives)   TN \(matrix.trueNegatives)",
        ]
        if !evaluation.segments.isEmpty {
            lines.append("  recall per fraud type:")
            for segment in evaluation.segments {
                lines.append("    \(segment.name.padding(toLength: 18, withPad: " ", startingAt: 0)) \(format(segment.recall))   (\(segment.truePositives) of \(segment.positives) flagged)")
            }
        }
        return lines
    }

    static func format(_ value: Double, digits: Int = 3) -> String {
        String(format: "%.\(digits)f", value)
    }

    static func percent(_ value: Double) -> String {
        String(format: "%.2f %%", value * 100)
    }
}
