import Foundation
import Testing
@testable import FraudModel

@Suite struct ModelFileTests {
    static let schema = ModelFeatureSchema(name: "fraudstream-features", version: 2, featureNames: (0..<8).map { "f\($0)" })

    static func xgboostFile() throws -> ModelFile {
        let (model, _) = try TreeEnsembleModel.importXGBoost(contentsOf: Fixtures.path("xgboost-model.json"))
        let (features, labels) = try Fixtures.xgboostPredictions()
        let scores = model.scores(features)
        let evaluation = ModelEvaluation(scores: scores, labels: labels.map { $0 > 0.5 }, threshold: 0.5)
        return try ModelFile(model: model, featureSchema: schema, decisionThreshold: 0.5, evaluation: evaluation)
    }

    @Test func treeEnsembleRoundTripScoresIdentically() throws {
        let file = try Self.xgboostFile(), path = Fixtures.temporaryPath("model.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try file.save(path)
        let loaded = try ModelFile.load(path)
        let (features, _) = try Fixtures.xgboostPredictions()
        #expect(loaded.model.scores(features) == file.model.scores(features))
        #expect(loaded.featureSchema == Self.schema && loaded.decisionThreshold == 0.5)
        #expect(loaded.evaluation == file.evaluation)
        #expect(try loaded.jsonData() == file.jsonData())
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(#""format":"fraudstream-model""#) && text.contains(#""format_version":1"#))
        #expect(text.contains(#""kind":"tree_ensemble""#))
    }

    @Test func logisticRegressionRoundTrip() throws {
        let model = try LogisticRegressionModel(means: [1, 2], standardDeviations: [0.5, 3], weights: [0.25, -1.5], bias: -4)
        let file = try ModelFile(model: model, featureSchema: ModelFeatureSchema(name: "s", version: 1, featureNames: ["a", "b"]), decisionThreshold: 0.7)
        let loaded = try ModelFile.decode(file.jsonData())
        #expect(loaded.model as? LogisticRegressionModel == model)
        #expect(loaded.evaluation == nil)
    }

    @Test func schemaMismatchNamesBothVersions() throws {
        let file = try Self.xgboostFile()
        let error = #expect(throws: ModelError.self) {
            try file.requireFeatureSchema(name: "fraudstream-features", version: 1, featureNames: Self.schema.featureNames)
        }
        #expect(error?.code == .schemaMismatch)
        #expect(error?.message == #"model expects feature schema "fraudstream-features" v2, the engine produces v1: retrain the model or run a matching fraudstream version"#)
        let renamed = #expect(throws: ModelError.self) {
            try file.requireFeatureSchema(name: "fraudstream-features", version: 2, featureNames: ["f0", "g1"] + Self.schema.featureNames.dropFirst(2))
        }
        #expect(renamed?.message.contains(#"at position 1 the model expects "f1", the engine produces "g1""#) == true)
        try file.requireFeatureSchema(name: "fraudstream-features", version: 2, featureNames: Self.schema.featureNames)
    }

    /// Decodes `json` expecting failure, returning the error.
    func failure(_ json: String) -> ModelError? {
        #expect(throws: ModelError.self) { try ModelFile.decode(Data(json.utf8), source: "m.json") }
    }

    static let valid = #"{"format":"fraudstream-model","format_version":1,"decision_threshold":0.5,"feature_schema":{"name":"s","version":1,"feature_names":["a"]},"model":{"kind":"logistic_regression","means":[0],"standard_deviations":[1],"weights":[2],"bias":0}}"#

    @Test func malformedFilesSayWhatIsWrong() throws {
        _ = try ModelFile.decode(Data(Self.valid.utf8))
        let notJSON = failure("{oops")
        #expect(notJSON?.code == .malformedFile && notJSON?.message == "m.json: not valid JSON: expected a fraudstream model file")
        let otherFormat = failure(#"{"format":"something-else"}"#)
        #expect(otherFormat?.message.contains(#"expected "fraudstream-model": this is not a fraudstream model file"#) == true)
        let newer = failure(Self.valid.replacingOccurrences(of: #""format_version":1"#, with: #""format_version":2"#))
        #expect(newer?.code == .unsupportedFormatVersion)
        #expect(newer?.message.hasPrefix("m.json: format_version 2, this build reads version 1") == true)
        let kind = failure(Self.valid.replacingOccurrences(of: "logistic_regression", with: "neural_net"))
        #expect(kind?.code == .unknownModelKind)
        #expect(kind?.message == #"m.json: model.kind "neural_net" is not known to this build: expected "tree_ensemble" or "logistic_regression""#)
        let missing = failure(Self.valid.replacingOccurrences(of: #""bias":0"#, with: #""bais":0"#))
        #expect(missing?.message.hasPrefix(#"m.json: missing field "model.bias""#) == true)
        let wrongType = failure(Self.valid.replacingOccurrences(of: #""version":1"#, with: #""version":"1""#))
        #expect(wrongType?.message == #"m.json: field "feature_schema.version" should be an integer: fix or regenerate the file"#)
        let count = failure(Self.valid.replacingOccurrences(of: #"["a"]"#, with: #"["a","b"]"#))
        #expect(count?.code == .invalidModel && count?.message.contains("the model reads 1 features but schema") == true)
    }

    @Test func brokenTreesAreRefused() {
        let tree = TreeEnsembleModel.Tree(leftChildren: [1, -1, -1], rightChildren: [0, -1, -1], featureIndices: [0, 0, 0],
                                          thresholds: [0.5, 0, 0], defaultLeft: [true, false, false], leafValues: [0, 1, -1])
        let error = #expect(throws: ModelError.self) { try TreeEnsembleModel(featureCount: 1, baseMargin: 0, trees: [tree]) }
        #expect(error?.message == "tree ensemble: tree 0, node 0: children 1 and 0 must both be -1 (a leaf) or node indices in 1..<3")
    }

    @Test func handBuiltTreeFollowsThresholdsAndDefaults() throws {
        // x0 < 0.5 → leaf 1 (+1); else → leaf 2 (-1); missing goes left.
        let tree = TreeEnsembleModel.Tree(leftChildren: [1, -1, -1], rightChildren: [2, -1, -1], featureIndices: [0, 0, 0],
                                          thresholds: [0.5, 0, 0], defaultLeft: [true, false, false], leafValues: [0, 1, -1])
        let model = try TreeEnsembleModel(featureCount: 1, baseMargin: 0.25, trees: [tree, tree])
        let p = { (margin: Double) in 1 / (1 + exp(-margin)) }
        #expect(model.scores(rowMajor: [0.4, 0.5, .nan, 0.6]) == [p(2.25), p(-1.75), p(2.25), p(-1.75)])
        // Single precision: 0.49999999999 rounds to Float 0.5, which is not below the threshold.
        #expect(model.score([0.49999999999]) == p(-1.75))
    }
}
