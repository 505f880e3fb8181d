import Foundation
import Testing
@testable import FraudModel

@Suite struct LogisticRegressionTests {
    /// Two features on very different scales; fraud when `x0/1000 + x1 > 1` plus a little noise.
    static func data(rows: Int, seed: UInt64) throws -> (ModelFeatureMatrix, [Bool]) {
        var generator = SplitMix64(seed: seed)
        var values: [Double] = [], labels: [Bool] = []
        for _ in 0..<rows {
            let x0 = generator.nextUnit() * 2_000, x1 = generator.nextUnit() * 2 - 1
            values += [x0, x1]
            labels.append(x0 / 1_000 + x1 + (generator.nextUnit() - 0.5) * 0.1 > 1)
        }
        return (try ModelFeatureMatrix(featureCount: 2, values: values), labels)
    }

    @Test func learnsALinearBoundary() throws {
        let (features, labels) = try Self.data(rows: 2_000, seed: 1), (test, testLabels) = try Self.data(rows: 1_000, seed: 2)
        let model = try LogisticRegressionTrainer().train(features: features, labels: labels)
        let auc = try #require(BinaryClassificationMetrics.rocAUC(scores: model.scores(test), labels: testLabels))
        #expect(auc > 0.99)
        let accuracy = zip(model.scores(test), testLabels).filter { ($0 >= 0.5) == $1 }.count
        #expect(accuracy > 950)
        // Standardised weights are comparable: x0 spans 1000 units per unit of x1, yet both matter alike.
        #expect(model.weights[0] > 0 && model.weights[1] > 0)
        #expect(abs(model.means[0] - 1_000) < 50 && abs(model.standardDeviations[0] - 577) < 30)
    }

    @Test func scoringStandardisesAndIgnoresMissingValues() throws {
        let model = try LogisticRegressionModel(means: [10, 0], standardDeviations: [2, 1], weights: [1, -1], bias: 0.5)
        // (14 - 10) / 2 * 1 + (3 - 0) * -1 + 0.5 = -0.5
        #expect(abs(model.score([14, 3]) - 1 / (1 + exp(0.5))) < 1e-15)
        // A missing value contributes nothing: margin 2 + 0.5.
        #expect(abs(model.score([14, .nan]) - 1 / (1 + exp(-2.5))) < 1e-15)
    }

    @Test func refusesInconsistentParameters() {
        let error = #expect(throws: ModelError.self) {
            try LogisticRegressionModel(means: [0], standardDeviations: [0], weights: [1], bias: 0)
        }
        #expect(error?.code == .invalidModel)
        #expect(error?.message.contains("use 1 for a constant feature") == true)
    }
}
