import Foundation
import Testing
@testable import FraudModel

@Suite struct XGBoostImportTests {
    @Test func scoresTheFixtureLikeXGBoost() throws {
        let (model, names) = try TreeEnsembleModel.importXGBoost(contentsOf: Fixtures.path("xgboost-model.json"))
        let (features, expected) = try Fixtures.xgboostPredictions()
        #expect(names == (0..<8).map { "f\($0)" })
        #expect(model.featureCount == 8)
        #expect(model.trees.count == 30)
        #expect(features.values.contains { $0.isNaN }, "the fixture must exercise missing values")
        let scores = model.scores(features)
        #expect(scores.count == 500)
        let worst = zip(scores, expected).map { abs($0 - $1) }.max()!
        #expect(worst < 1e-6, "largest difference from XGBoost's predictions: \(worst)")
    }

    @Test func scoresOneRowAtATimeLikeTheBatch() throws {
        let (model, _) = try TreeEnsembleModel.importXGBoost(contentsOf: Fixtures.path("xgboost-model.json"))
        let (features, expected) = try Fixtures.xgboostPredictions()
        for row in [0, 1, 63, 64, 65, 499] {
            #expect(abs(model.score(Array(features.row(row))) - expected[row]) < 1e-6)
        }
    }

    @Test func batchesOfEightScoreLikeSingleRows() throws {
        // Groups of 8 rows are walked interleaved; single rows alone.
        let (model, _) = try TreeEnsembleModel.importXGBoost(contentsOf: Fixtures.path("xgboost-model.json"))
        let (features, _) = try Fixtures.xgboostPredictions()
        let finite = features.values.map { $0.isNaN ? 0.25 : $0 }
        let batch = model.scores(rowMajor: finite)
        let single = (0..<500).map { model.score(Array(finite[$0 * 8..<($0 + 1) * 8])) }
        #expect(batch == single)
        // Values exactly on a threshold go right either way.
        let tree = model.trees[0]
        let onThreshold = [Double](repeating: Double(tree.thresholds[0]), count: 8 * 8)
        #expect(model.scores(rowMajor: onThreshold) == Array(repeating: model.score(Array(onThreshold[0..<8])), count: 8))
    }

    @Test func refusesOtherObjectives() throws {
        var json = try String(contentsOfFile: Fixtures.path("xgboost-model.json"), encoding: .utf8)
        json = json.replacingOccurrences(of: "\"binary:logistic\"", with: "\"reg:squarederror\"")
        let error = #expect(throws: ModelError.self) {
            try TreeEnsembleModel.importXGBoost(json: Data(json.utf8), source: "m.json")
        }
        #expect(error?.code == .unsupportedXGBoostModel)
        #expect(error?.message == #"m.json: objective "reg:squarederror" is not supported: train with objective="binary:logistic""#)
    }

    @Test func refusesOtherBoostersByName() {
        let json = #"{"learner":{"learner_model_param":{"base_score":"5E-1","num_feature":"2"},"objective":{"name":"binary:logistic"},"gradient_booster":{"name":"gblinear","model":{"weights":[0.1,0.2,0.3]}}}}"#
        let error = #expect(throws: ModelError.self) {
            try TreeEnsembleModel.importXGBoost(json: Data(json.utf8), source: "m.json")
        }
        #expect(error?.message == #"m.json: booster "gblinear" is not supported: train with booster="gbtree""#)
    }

    @Test func refusesCategoricalSplits() throws {
        var json = try String(contentsOfFile: Fixtures.path("xgboost-model.json"), encoding: .utf8)
        let range = try #require(json.range(of: "\"split_type\":[0"))
        json.replaceSubrange(range, with: "\"split_type\":[1")
        let error = #expect(throws: ModelError.self) {
            try TreeEnsembleModel.importXGBoost(json: Data(json.utf8), source: "m.json")
        }
        #expect(error?.code == .unsupportedXGBoostModel)
        #expect(error?.message.contains("categorical splits") == true)
    }

    @Test func namesAMissingField() throws {
        var json = try String(contentsOfFile: Fixtures.path("xgboost-model.json"), encoding: .utf8)
        json = json.replacingOccurrences(of: "\"base_score\"", with: "\"base_scor\"")
        let error = #expect(throws: ModelError.self) {
            try TreeEnsembleModel.importXGBoost(json: Data(json.utf8), source: "m.json")
        }
        #expect(error?.code == .malformedFile)
        #expect(error?.message.hasPrefix(#"m.json: missing field "learner.learner_model_param.base_score""#) == true)
    }

    @Test func reportsAnUnreadableFile() {
        let error = #expect(throws: ModelError.self) {
            try TreeEnsembleModel.importXGBoost(contentsOf: "/nonexistent/model.json")
        }
        #expect(error?.code == .fileUnreadable)
        #expect(error?.message.contains("/nonexistent/model.json") == true)
    }
}
