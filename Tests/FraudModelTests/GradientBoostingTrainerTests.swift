import Foundation
import Testing
@testable import FraudModel

@Suite struct GradientBoostingTrainerTests {
    static let schema = ModelFeatureSchema(name: "synthetic", version: 1, featureNames: (0..<6).map { "x\($0)" })

    static func configuration(seed: UInt64 = 1, rowSubsample: Double = 1) -> GradientBoostingTrainer.Configuration {
        var configuration = GradientBoostingTrainer.Configuration()
        configuration.numberOfTrees = 30
        configuration.maxDepth = 4
        configuration.learningRate = 0.3
        configuration.rowSubsample = rowSubsample
        configuration.seed = seed
        return configuration
    }

    static func json(_ model: TreeEnsembleModel) throws -> Data {
        try ModelFile(model: model, featureSchema: schema, decisionThreshold: 0.5).jsonData()
    }

    @Test func learnsANonlinearRareSignal() throws {
        let training = SyntheticData.corner(rows: 6_000, seed: 1), validation = SyntheticData.corner(rows: 3_000, seed: 2)
        let baseRate = Double(validation.labels.count(where: { $0 })) / 3_000
        #expect(baseRate > 0.01 && baseRate < 0.04)
        let result = try GradientBoostingTrainer(configuration: Self.configuration()).train(features: training.features, labels: training.labels)
        let scores = result.model.scores(validation.features)
        let prAUC = try #require(BinaryClassificationMetrics.averagePrecision(scores: scores, labels: validation.labels))
        #expect(prAUC > 0.8, "validation PR-AUC \(prAUC) at base rate \(baseRate)")
        #expect(result.model.trees.count == 30 && result.bestIteration == 29 && result.validationHistory.isEmpty)
    }

    @Test func sameSeedSameBytesOtherSeedOtherModel() throws {
        let data = SyntheticData.corner(rows: 3_000, seed: 5)
        let train = { (seed: UInt64) in
            try GradientBoostingTrainer(configuration: Self.configuration(seed: seed, rowSubsample: 0.7))
                .train(features: data.features, labels: data.labels).model
        }
        let first = try Self.json(train(11)), again = try Self.json(train(11)), other = try Self.json(train(12))
        #expect(first == again)
        #expect(first != other)
    }

    /// 400 training and 400 validation rows of 4 uniform features whose labels (30 % fraud)
    /// are pure noise.
    static func noise() throws -> (training: (ModelFeatureMatrix, [Bool]), validation: (ModelFeatureMatrix, [Bool])) {
        var generator = SplitMix64(seed: 9)
        func rows(_ count: Int) throws -> (ModelFeatureMatrix, [Bool]) {
            let values = (0..<count * 4).map { _ in generator.nextUnit() }
            return (try ModelFeatureMatrix(featureCount: 4, values: values), (0..<count).map { _ in generator.nextUnit() < 0.3 })
        }
        return (try rows(400), try rows(400))
    }

    @Test func earlyStoppingKeepsTheBestIteration() throws {
        // Pure-noise labels: every tree after the first few only memorises training noise, so
        // the validation loss rises and training must stop and roll back.
        let ((features, labels), (validationFeatures, validationLabels)) = try Self.noise()
        var configuration = GradientBoostingTrainer.Configuration()
        configuration.numberOfTrees = 200
        configuration.maxDepth = 6
        configuration.learningRate = 0.5
        configuration.minChildWeight = 0
        configuration.earlyStopping = .init(rounds: 5, metric: .logLoss)
        let result = try GradientBoostingTrainer(configuration: configuration)
            .train(features: features, labels: labels, validation: (validationFeatures, validationLabels))
        #expect(result.treesGrown < 200)
        #expect(result.treesGrown == result.bestIteration + 1 + 5)
        #expect(result.model.trees.count == result.bestIteration + 1)
        let best = try #require(result.validationHistory.min())
        #expect(result.validationHistory[result.bestIteration] == best)
        // The kept model scores the validation set at exactly the best recorded loss.
        let scores = result.model.scores(validationFeatures)
        let loss = zip(scores, validationLabels).map { -log($1 ? max($0, 1e-15) : max(1 - $0, 1e-15)) }.reduce(0, +) / 400
        #expect(abs(loss - best) < 1e-9)
    }

    @Test func earlyStoppingKeepsAtLeastTheMinimumTrees() throws {
        // On noise the validation loss is best after a few trees; the floor keeps 30 anyway,
        // then stops once 5 more bring nothing better than the best from tree 30 on.
        let ((features, labels), (validationFeatures, validationLabels)) = try Self.noise()
        var configuration = GradientBoostingTrainer.Configuration()
        configuration.numberOfTrees = 200
        configuration.learningRate = 0.5
        configuration.minChildWeight = 0
        configuration.earlyStopping = .init(rounds: 5, metric: .logLoss)
        let unfloored = try GradientBoostingTrainer(configuration: configuration)
            .train(features: features, labels: labels, validation: (validationFeatures, validationLabels))
        #expect(unfloored.model.trees.count < 30)
        configuration.earlyStopping = .init(rounds: 5, metric: .logLoss, minimumTrees: 30)
        let floored = try GradientBoostingTrainer(configuration: configuration)
            .train(features: features, labels: labels, validation: (validationFeatures, validationLabels))
        #expect(floored.model.trees.count >= 30)
        let afterFloor = floored.validationHistory[29...]
        #expect(floored.validationHistory[floored.bestIteration] == afterFloor.min())
        #expect(floored.treesGrown == floored.bestIteration + 1 + 5)
    }

    @Test func earlyStoppingOnPRAUCWatchesAveragePrecision() throws {
        let training = SyntheticData.corner(rows: 3_000, seed: 3), validation = SyntheticData.corner(rows: 2_000, seed: 4)
        var configuration = Self.configuration()
        configuration.earlyStopping = .init(rounds: 3, metric: .averagePrecision)
        let result = try GradientBoostingTrainer(configuration: configuration)
            .train(features: training.features, labels: training.labels, validation: (validation.features, validation.labels))
        let ap = try #require(BinaryClassificationMetrics.averagePrecision(scores: result.model.scores(validation.features), labels: validation.labels))
        #expect(ap == result.validationHistory.max())
        #expect(result.validationHistory[result.bestIteration] == ap)
    }

    @Test func refusesBadInputsWithReasons() throws {
        let data = SyntheticData.corner(rows: 100, seed: 1)
        var configuration = GradientBoostingTrainer.Configuration()
        configuration.earlyStopping = .init()
        let noValidation = #expect(throws: ModelError.self) {
            try GradientBoostingTrainer(configuration: configuration).train(features: data.features, labels: data.labels)
        }
        #expect(noValidation?.message.contains("early stopping needs a validation set") == true)
        let oneClass = #expect(throws: ModelError.self) {
            try GradientBoostingTrainer().train(features: data.features, labels: Array(repeating: false, count: 100))
        }
        #expect(oneClass?.message == "gradient boosting: the training set has 0 fraud and 100 legitimate rows; it needs both")
        configuration.maxBins = 300
        let bins = #expect(throws: ModelError.self) {
            try GradientBoostingTrainer(configuration: configuration).train(features: data.features, labels: data.labels)
        }
        #expect(bins?.message == "gradient boosting: maxBins is 300; use 2 to 255")
    }

    @Test func trainingSplitsAgreeWithModelThresholds() throws {
        // Training walks trees on bins, scoring walks them on thresholds: both must send every
        // row the same way, including values equal to a cut and missing values.
        let data = SyntheticData.corner(rows: 2_000, seed: 8)
        var configuration = Self.configuration()
        configuration.maxBins = 16  // coarse bins: many values sit exactly on a cut
        let model = try GradientBoostingTrainer(configuration: configuration).train(features: data.features, labels: data.labels).model
        let bins = FeatureBins(data.features, maxBins: 16)
        for row in 0..<data.features.rowCount {
            for feature in 0..<6 {
                let value = Float(data.features[row, feature]), bin = Int(bins.binned[row * 6 + feature])
                let cuts = bins.cuts[feature]
                if value.isNaN { #expect(bin == 255); continue }
                // Bin b holds cuts[b-1] <= value < cuts[b].
                #expect(bin == 0 || cuts[bin - 1] <= value)
                #expect(bin == cuts.count || value < cuts[bin])
            }
        }
        // Walk every tree both ways: on bins (bin <= index of the threshold among the cuts goes
        // left) and on raw values (Float(value) < threshold goes left).
        for tree in model.trees {
            #expect(tree.nodeCount > 1)
            for row in 0..<data.features.rowCount {
                var byBin = 0, byValue = 0
                while tree.leftChildren[byBin] != -1 {
                    let feature = Int(tree.featureIndices[byBin]), bin = bins.binned[row * 6 + feature]
                    let splitBin = try #require(bins.cuts[feature].firstIndex(of: tree.thresholds[byBin]))
                    let left = bin == 255 ? tree.defaultLeft[byBin] : Int(bin) <= splitBin
                    byBin = Int(left ? tree.leftChildren[byBin] : tree.rightChildren[byBin])
                }
                while tree.leftChildren[byValue] != -1 {
                    let value = Float(data.features[row, Int(tree.featureIndices[byValue])])
                    let left = value.isNaN ? tree.defaultLeft[byValue] : value < tree.thresholds[byValue]
                    byValue = Int(left ? tree.leftChildren[byValue] : tree.rightChildren[byValue])
                }
                #expect(byBin == byValue)
            }
        }
    }
}
