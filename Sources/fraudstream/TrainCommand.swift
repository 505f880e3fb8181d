import ArgumentParser
import FraudCore
import FraudModel
import FraudPipeline
import Foundation

/// `fraudstream train`: a model trained on the features the worker computes.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a fraud model on transactions and labels (JSON Lines, as the generator writes them).",
        discussion: """
            Transactions are replayed through the worker's feature engine and joined to their latest \
            labels; transactions without a label count as legitimate. The split is by event time: the \
            model learns from the earlier rows and is validated (early stopping, threshold, figures) on \
            the later ones, so nothing from the future leaks into training.
            """
    )

    @Option(help: "JSON Lines file of transactions, in processing order.")
    var input: String
    @Option(help: "JSON Lines file of labels; the latest label of a transaction wins.")
    var labels: String
    @Option(help: "Where to write the model file.")
    var output: String = "model.json"
    @Option(help: "Model kind: gbt (gradient-boosted trees) or logistic (logistic regression).")
    var kind: String = "gbt"
    @Option(help: "Trees to grow at most.")
    var trees: Int = 200
    @Option(help: "Depth of each tree.")
    var depth: Int = 6
    @Option(name: .customLong("learning-rate"), help: "Shrinkage applied to each tree.")
    var learningRate: Double = 0.1
    @Option(name: .customLong("min-child-weight"), help: "Least hessian weight in a leaf.")
    var minChildWeight: Double = 1
    @Option(help: "Share of rows each tree sees.")
    var subsample: Double = 0.8
    @Option(name: .customLong("early-stopping"), help: "Stop after this many trees without validation improvement (0: never).")
    var earlyStopping: Int = 20
    @Option(name: .customLong("validation-fraction"), help: "Share of rows, the latest by event time, used for validation.")
    var validationFraction: Double = 0.2
    @Option(name: .customLong("target-precision"), help: "Choose the lowest threshold whose validation precision reaches this.")
    var targetPrecision: Double = 0.9
    @Option(help: "Use this decision threshold instead of choosing one for --target-precision.")
    var threshold: Double?
    @Option(help: "Seed of the row sampling; the same seed and data give the same model.")
    var seed: UInt64 = 1

    func validate() throws {
        guard FileManager.default.fileExists(atPath: input) else {
            throw ValidationError("--input: no file at \"\(input)\"; pass the transactions file (fraudstream generate --output)")
        }
        guard FileManager.default.fileExists(atPath: labels) else {
            throw ValidationError("--labels: no file at \"\(labels)\"; pass the labels file (fraudstream generate --labels-output)")
        }
        guard kind == "gbt" || kind == "logistic" else {
            throw ValidationError("--kind: expected gbt or logistic, got \"\(kind)\"")
        }
        guard validationFraction > 0, validationFraction < 1 else {
            throw ValidationError("--validation-fraction: expected a share between 0 and 1 (exclusive), got \(validationFraction)")
        }
        guard targetPrecision > 0, targetPrecision <= 1 else {
            throw ValidationError("--target-precision: expected a precision in (0, 1], got \(targetPrecision)")
        }
        if let threshold, !(0...1).contains(threshold) {
            throw ValidationError("--threshold: expected a probability between 0 and 1, got \(threshold)")
        }
    }

    func run() throws {
        let set = try LabelledFeatureSet.build(transactionsPath: input, labelsPath: labels) { line, error in
            FileHandle.standardError.write(Data("train: \(input):\(line): \(error.description)\n".utf8))
        }
        let split = try EventTimeSplit(eventTimes: set.eventTimes, trainingFraction: 1 - validationFraction)
        let training = set.subset(split.training)
        let validation = set.subset(split.validation)
        let trainingMatrix = try ModelFeatureMatrix(featureCount: set.featureCount, values: training.values)
        let validationMatrix = try ModelFeatureMatrix(featureCount: set.featureCount, values: validation.values)
        print("train: \(set.count) transactions (\(set.unlabelled) without a label, counted legitimate); "
            + "\(training.count) for training, \(validation.count) for validation (the latest by event time)")

        let model: any FraudScoringModel
        if kind == "logistic" {
            model = try LogisticRegressionTrainer().train(features: trainingMatrix, labels: training.labels)
        } else {
            var configuration = GradientBoostingTrainer.Configuration()
            configuration.numberOfTrees = trees
            configuration.maxDepth = depth
            configuration.learningRate = learningRate
            configuration.minChildWeight = minChildWeight
            configuration.rowSubsample = subsample
            configuration.seed = seed
            if earlyStopping > 0 {
                configuration.earlyStopping = .init(rounds: earlyStopping, metric: .averagePrecision)
            }
            let result = try GradientBoostingTrainer(configuration: configuration)
                .train(features: trainingMatrix, labels: training.labels, validation: (validationMatrix, validation.labels))
            print("train: grew \(result.treesGrown) trees, kept \(result.bestIteration + 1)")
            model = result.model
        }

        let scores = model.scores(validationMatrix)
        guard let chosen = threshold ?? BinaryClassificationMetrics.threshold(forPrecision: targetPrecision, scores: scores, labels: validation.labels) else {
            throw ValidationError("--target-precision: no threshold reaches precision \(targetPrecision) on the validation rows; lower it or pass --threshold")
        }
        let evaluation = ModelEvaluation(scores: scores, labels: validation.labels, threshold: chosen, segments: validation.fraudTypes)
        let schema = FeatureSchema.current
        let file = try ModelFile(
            model: model,
            featureSchema: ModelFeatureSchema(name: schema.name, version: schema.version, featureNames: schema.featureNames),
            decisionThreshold: chosen,
            evaluation: evaluation)
        try file.save(output)
        ModelReport.lines(evaluation, rows: validation.count, title: "validation").forEach { print($0) }
        print("train: model written to \(output)")
    }
}
