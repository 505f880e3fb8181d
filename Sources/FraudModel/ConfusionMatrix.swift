/// Counts of flagged and not flagged rows against their labels, at one decision threshold.
///
/// A row is flagged when its score is at or above the threshold. A true positive is flagged
/// and fraud, a false positive flagged and not fraud, a false negative not flagged and fraud,
/// a true negative neither.
public struct ConfusionMatrix: Hashable, Codable, Sendable {
    /// Flagged and fraud.
    public var truePositives: Int
    /// Flagged and not fraud.
    public var falsePositives: Int
    /// Not flagged and not fraud.
    public var trueNegatives: Int
    /// Not flagged and fraud.
    public var falseNegatives: Int

    /// Creates a matrix from its four counts.
    ///
    /// - Parameters:
    ///   - truePositives: Flagged and fraud.
    ///   - falsePositives: Flagged and not fraud.
    ///   - trueNegatives: Not flagged and not fraud.
    ///   - falseNegatives: Not flagged and fraud.
    public init(truePositives: Int, falsePositives: Int, trueNegatives: Int, falseNegatives: Int) {
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.trueNegatives = trueNegatives
        self.falseNegatives = falseNegatives
    }

    /// Counts the rows flagged at `threshold` against their labels.
    ///
    /// - Parameters:
    ///   - scores: One score per row.
    ///   - labels: Whether each row is fraud.
    ///   - threshold: Rows with `score >= threshold` are flagged.
    public init(scores: [Double], labels: [Bool], threshold: Double) {
        precondition(scores.count == labels.count, "\(scores.count) scores for \(labels.count) labels")
        self.init(truePositives: 0, falsePositives: 0, trueNegatives: 0, falseNegatives: 0)
        for (score, isFraud) in zip(scores, labels) {
            switch (score >= threshold, isFraud) {
            case (true, true): truePositives += 1
            case (true, false): falsePositives += 1
            case (false, false): trueNegatives += 1
            case (false, true): falseNegatives += 1
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case truePositives = "true_positives", falsePositives = "false_positives"
        case trueNegatives = "true_negatives", falseNegatives = "false_negatives"
    }

    /// Fraud rows, `TP + FN`.
    public var positives: Int {
        truePositives + falseNegatives
    }

    /// Non-fraud rows, `FP + TN`.
    public var negatives: Int {
        falsePositives + trueNegatives
    }

    /// Flagged rows, `TP + FP`.
    public var flagged: Int {
        truePositives + falsePositives
    }

    /// `TP / (TP + FP)`: the share of flagged rows that are fraud; 0 when nothing is flagged.
    public var precision: Double {
        flagged == 0 ? 0 : Double(truePositives) / Double(flagged)
    }

    /// `TP / (TP + FN)`: the share of fraud that is flagged; 0 when there is no fraud.
    public var recall: Double {
        positives == 0 ? 0 : Double(truePositives) / Double(positives)
    }

    /// The harmonic mean of precision and recall, `2TP / (2TP + FP + FN)`; 0 when both are 0.
    public var f1: Double {
        let denominator = 2 * truePositives + falsePositives + falseNegatives
        return denominator == 0 ? 0 : Double(2 * truePositives) / Double(denominator)
    }
}
