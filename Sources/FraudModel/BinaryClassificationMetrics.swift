/// Threshold-free ranking metrics and threshold choice for fraud scores.
///
/// Scores only need to rank: higher means more likely fraud. Tied scores are treated as one
/// threshold (they are flagged together), as scikit-learn does.
public enum BinaryClassificationMetrics {
    /// Average precision, the step-wise area under the precision-recall curve, as
    /// scikit-learn's `average_precision_score`: `Σ (Rₙ − Rₙ₋₁) · Pₙ` over distinct thresholds
    /// from the highest score down.
    ///
    /// - Parameters:
    ///   - scores: One score per row.
    ///   - labels: Whether each row is fraud.
    /// - Returns: The average precision in `0...1`, or `nil` when there is no fraud row.
    public static func averagePrecision(scores: [Double], labels: [Bool]) -> Double? {
        let positives = labels.count(where: { $0 })
        guard positives > 0 else { return nil }
        var result = 0.0, previousRecall = 0.0
        for point in curve(scores: scores, labels: labels) {
            let recall = Double(point.truePositives) / Double(positives)
            let precision = Double(point.truePositives) / Double(point.truePositives + point.falsePositives)
            result += (recall - previousRecall) * precision
            previousRecall = recall
        }
        return result
    }

    /// The area under the ROC curve: the probability that a random fraud row scores above a
    /// random legitimate one, ties counting one half (Mann-Whitney U, equal to the trapezoidal
    /// area).
    ///
    /// - Parameters:
    ///   - scores: One score per row.
    ///   - labels: Whether each row is fraud.
    /// - Returns: The area in `0...1`, or `nil` when either class is absent.
    public static func rocAUC(scores: [Double], labels: [Bool]) -> Double? {
        precondition(scores.count == labels.count, "\(scores.count) scores for \(labels.count) labels")
        let positives = labels.count(where: { $0 }), negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        // Sum of the (1-based, tie-averaged) ranks of the fraud rows.
        var positiveRankSum = 0.0, start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] {
                end += 1
            }
            let averageRank = Double(start + end) / 2 + 1
            positiveRankSum += averageRank * Double(order[start...end].count(where: { labels[$0] }))
            start = end + 1
        }
        let u = positiveRankSum - Double(positives) * Double(positives + 1) / 2
        return u / (Double(positives) * Double(negatives))
    }

    /// The lowest threshold whose precision reaches `targetPrecision`, which flags the most
    /// fraud (highest recall) among the thresholds that are precise enough.
    ///
    /// Candidates are the distinct scores; a row is flagged when `score >= threshold`.
    ///
    /// - Parameters:
    ///   - targetPrecision: The precision required, e.g. 0.9.
    ///   - scores: One score per row.
    ///   - labels: Whether each row is fraud.
    /// - Returns: The threshold, or `nil` when no threshold reaches the precision.
    public static func threshold(forPrecision targetPrecision: Double = 0.9, scores: [Double], labels: [Bool]) -> Double? {
        var chosen: Double?
        for point in curve(scores: scores, labels: labels)
        where Double(point.truePositives) >= targetPrecision * Double(point.truePositives + point.falsePositives) {
            chosen = point.threshold
        }
        return chosen
    }

    /// Cumulative counts when flagging at each distinct score, from the highest down.
    static func curve(scores: [Double], labels: [Bool]) -> [(threshold: Double, truePositives: Int, falsePositives: Int)] {
        precondition(scores.count == labels.count, "\(scores.count) scores for \(labels.count) labels")
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var points: [(threshold: Double, truePositives: Int, falsePositives: Int)] = []
        var truePositives = 0, falsePositives = 0
        for (position, row) in order.enumerated() {
            if labels[row] { truePositives += 1 } else { falsePositives += 1 }
            let isLastOfTie = position + 1 == order.count || scores[order[position + 1]] != scores[row]
            if isLastOfTie {
                points.append((scores[row], truePositives, falsePositives))
            }
        }
        return points
    }
}
