import Testing
@testable import FraudModel

@Suite struct BinaryClassificationMetricsTests {
    // Scores high to low: 0.9 F, 0.8 L, 0.7 F, 0.6 L, 0.5 L, 0.4 F, 0.3 L, 0.2 L.
    let scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2]
    let labels = [true, false, true, false, false, true, false, false]

    @Test func confusionMatrixAtAThreshold() {
        let matrix = ConfusionMatrix(scores: scores, labels: labels, threshold: 0.6)
        #expect(matrix == ConfusionMatrix(truePositives: 2, falsePositives: 2, trueNegatives: 3, falseNegatives: 1))
        #expect(matrix.precision == 0.5)
        #expect(matrix.recall == 2.0 / 3)
        #expect(matrix.f1 == 4.0 / 7)
        // A score equal to the threshold is flagged.
        #expect(ConfusionMatrix(scores: [0.5], labels: [true], threshold: 0.5).truePositives == 1)
    }

    @Test func emptyCasesAreZeroNotNaN() {
        let nothingFlagged = ConfusionMatrix(scores: scores, labels: labels, threshold: 2)
        #expect(nothingFlagged.precision == 0 && nothingFlagged.recall == 0 && nothingFlagged.f1 == 0)
    }

    @Test func averagePrecisionByHand() throws {
        // Recall steps at 0.9 (P 1), 0.7 (P 2/3), 0.4 (P 3/6): (1 + 2/3 + 1/2) / 3.
        let ap = try #require(BinaryClassificationMetrics.averagePrecision(scores: scores, labels: labels))
        #expect(abs(ap - (1 + 2.0 / 3 + 0.5) / 3) < 1e-12)
    }

    @Test func averagePrecisionTreatsTiesAsOneThreshold() throws {
        // sklearn: average_precision_score([1,0,1,0], [0.8,0.8,0.5,0.1]) == 0.5*0.5 + 0.5*(2/3)
        let ap = try #require(BinaryClassificationMetrics.averagePrecision(scores: [0.8, 0.8, 0.5, 0.1], labels: [true, false, true, false]))
        #expect(abs(ap - (0.25 + 1.0 / 3)) < 1e-12)
        #expect(BinaryClassificationMetrics.averagePrecision(scores: [0.1], labels: [false]) == nil)
    }

    @Test func rocAUCByHand() throws {
        // Pairs (fraud, legit) ranked right: 0.9 beats 5, 0.7 beats 4, 0.4 beats 2 → 11 of 15.
        let auc = try #require(BinaryClassificationMetrics.rocAUC(scores: scores, labels: labels))
        #expect(abs(auc - 11.0 / 15) < 1e-12)
    }

    @Test func rocAUCCountsTiesAsHalf() throws {
        // Fraud {0.8, 0.5}, legit {0.8, 0.1}: pairs 0.8/0.8 tie (½), 0.8>0.1, 0.5<0.8, 0.5>0.1 → 2.5 / 4.
        let auc = try #require(BinaryClassificationMetrics.rocAUC(scores: [0.8, 0.8, 0.5, 0.1], labels: [true, false, true, false]))
        #expect(auc == 0.625)
        #expect(BinaryClassificationMetrics.rocAUC(scores: [0.3, 0.3], labels: [true, false]) == 0.5)
        #expect(BinaryClassificationMetrics.rocAUC(scores: [0.3], labels: [true]) == nil)
    }

    @Test func rocAUCMatchesPairCountingOnRandomData() throws {
        var generator = SplitMix64(seed: 3)
        let scores = (0..<300).map { _ in (generator.nextUnit() * 20).rounded() / 20 }  // many ties
        let labels = (0..<300).map { _ in generator.nextUnit() < 0.3 }
        var wins = 0.0, pairs = 0.0
        for i in scores.indices where labels[i] {
            for j in scores.indices where !labels[j] {
                pairs += 1
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0
            }
        }
        let auc = try #require(BinaryClassificationMetrics.rocAUC(scores: scores, labels: labels))
        #expect(abs(auc - wins / pairs) < 1e-12)
    }

    @Test func thresholdForPrecisionIsTheLowestPreciseEnough() {
        // Precision by threshold: 0.9 → 1, 0.8 → 1/2, 0.7 → 2/3, 0.6 → 1/2, 0.4 → 1/2.
        #expect(BinaryClassificationMetrics.threshold(forPrecision: 0.9, scores: scores, labels: labels) == 0.9)
        #expect(BinaryClassificationMetrics.threshold(forPrecision: 0.6, scores: scores, labels: labels) == 0.7)
        #expect(BinaryClassificationMetrics.threshold(forPrecision: 0.5, scores: scores, labels: labels) == 0.4)
        #expect(BinaryClassificationMetrics.threshold(forPrecision: 0.9, scores: [0.9, 0.1], labels: [false, true]) == nil)
    }

    @Test func evaluationCollectsFiguresAndSegments() throws {
        let segments: [String?] = ["drain", nil, "test-transfer", nil, nil, "drain", nil, nil]
        let evaluation = ModelEvaluation(scores: scores, labels: labels, threshold: 0.6, segments: segments)
        #expect(evaluation.confusionMatrix.positives == 3 && evaluation.confusionMatrix.negatives == 5)
        #expect(evaluation.precision == 0.5 && evaluation.recall == 2.0 / 3)
        #expect(evaluation.segments.map(\.name) == ["drain", "test-transfer"])
        let drain = evaluation.segments[0]
        #expect(drain.rows == 2 && drain.positives == 2 && drain.truePositives == 1 && drain.recall == 0.5)
        #expect(evaluation.segments[1].recall == 1)
    }
}
