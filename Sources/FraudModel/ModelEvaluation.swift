/// How well a model separates fraud on a labelled set, as stored in the model file.
///
/// Built from scores, labels and a decision threshold; see docs/model.md for each definition.
public struct ModelEvaluation: Hashable, Codable, Sendable {
    /// The figures of one segment, e.g. one fraud type.
    public struct Segment: Hashable, Codable, Sendable {
        /// The segment's name, e.g. `drain`.
        public var name: String
        /// Rows in the segment.
        public var rows: Int
        /// Fraud rows in the segment.
        public var positives: Int
        /// Rows of the segment flagged at the threshold.
        public var flagged: Int
        /// Fraud rows of the segment flagged at the threshold.
        public var truePositives: Int

        /// Creates a segment's figures.
        ///
        /// - Parameters:
        ///   - name: The segment's name.
        ///   - rows: Rows in the segment.
        ///   - positives: Fraud rows in the segment.
        ///   - flagged: Rows flagged.
        ///   - truePositives: Fraud rows flagged.
        public init(name: String, rows: Int, positives: Int, flagged: Int, truePositives: Int) {
            self.name = name
            self.rows = rows
            self.positives = positives
            self.flagged = flagged
            self.truePositives = truePositives
        }

        enum CodingKeys: String, CodingKey {
            case name, rows, positives, flagged, truePositives = "true_positives"
        }

        /// The share of the segment's fraud that is flagged; 0 without fraud.
        public var recall: Double {
            positives == 0 ? 0 : Double(truePositives) / Double(positives)
        }

        /// The share of the segment's flagged rows that are fraud; 0 when none is flagged.
        public var precision: Double {
            flagged == 0 ? 0 : Double(truePositives) / Double(flagged)
        }
    }

    /// Rows at or above this score are flagged.
    public var threshold: Double
    /// Counts at ``threshold``; also gives the per-class counts (``ConfusionMatrix/positives``, ``ConfusionMatrix/negatives``).
    public var confusionMatrix: ConfusionMatrix
    /// ``ConfusionMatrix/precision`` at ``threshold``.
    public var precision: Double
    /// ``ConfusionMatrix/recall`` at ``threshold``.
    public var recall: Double
    /// ``ConfusionMatrix/f1`` at ``threshold``.
    public var f1: Double
    /// Average precision (``BinaryClassificationMetrics/averagePrecision(scores:labels:)``); `nil` without fraud rows.
    public var prAUC: Double?
    /// ROC area (``BinaryClassificationMetrics/rocAUC(scores:labels:)``); `nil` unless both classes occur.
    public var rocAUC: Double?
    /// Figures per segment, by name.
    public var segments: [Segment]
    /// Scenario detection and value detection rate, when the rows' accounts and amounts were known.
    public var detection: DetectionReport?

    /// Evaluates scores against labels.
    ///
    /// - Parameters:
    ///   - scores: One score per row.
    ///   - labels: Whether each row is fraud.
    ///   - threshold: Rows with `score >= threshold` are flagged.
    ///   - segments: Optionally, each row's segment (such as its fraud type; `nil` for none).
    public init(scores: [Double], labels: [Bool], threshold: Double, segments: [String?]? = nil) {
        let matrix = ConfusionMatrix(scores: scores, labels: labels, threshold: threshold)
        self.threshold = threshold
        confusionMatrix = matrix
        precision = matrix.precision
        recall = matrix.recall
        f1 = matrix.f1
        prAUC = BinaryClassificationMetrics.averagePrecision(scores: scores, labels: labels)
        rocAUC = BinaryClassificationMetrics.rocAUC(scores: scores, labels: labels)
        var bySegment: [String: Segment] = [:]
        if let segments {
            precondition(segments.count == scores.count, "\(segments.count) segments for \(scores.count) scores")
            for (row, name) in segments.enumerated() {
                guard let name else { continue }
                var segment = bySegment[name] ?? Segment(name: name, rows: 0, positives: 0, flagged: 0, truePositives: 0)
                let flagged = scores[row] >= threshold
                segment.rows += 1
                segment.positives += labels[row] ? 1 : 0
                segment.flagged += flagged ? 1 : 0
                segment.truePositives += flagged && labels[row] ? 1 : 0
                bySegment[name] = segment
            }
        }
        self.segments = bySegment.values.sorted { $0.name < $1.name }
    }

    enum CodingKeys: String, CodingKey {
        case threshold, confusionMatrix = "confusion_matrix", precision, recall, f1
        case prAUC = "pr_auc", rocAUC = "roc_auc", segments, detection
    }
}
