import ArgumentParser
import FraudCore
import FraudModel
import FraudPipeline
import Foundation

/// `fraudstream evaluate`: a model's figures on any labelled transactions.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Report a model's precision, recall, F1, PR-AUC, ROC-AUC, confusion matrix, scenario detection and value detection rate on labelled transactions.",
        discussion: "Without --model, the default model shipped with fraudstream is evaluated."
    )

    @Option(help: "Model file (default: the bundled default model).")
    var model: String?
    @Option(help: "JSON Lines file of transactions, in processing order.")
    var input: String
    @Option(help: "JSON Lines file of labels; the latest label of a transaction wins.")
    var labels: String
    @Option(help: "Use this decision threshold instead of the model's.")
    var threshold: Double?

    func validate() throws {
        for (flag, path) in [("--input", input), ("--labels", labels)] + (model.map { [("--model", $0)] } ?? []) {
            guard FileManager.default.fileExists(atPath: path) else {
                throw ValidationError("\(flag): no file at \"\(path)\"")
            }
        }
        if let threshold, !(0...1).contains(threshold) {
            throw ValidationError("--threshold: expected a probability between 0 and 1, got \(threshold)")
        }
    }

    func run() throws {
        let file = try model.map { try ModelFile.load($0) } ?? DefaultModel.load()
        let schema = FeatureSchema.current
        try file.requireFeatureSchema(name: schema.name, version: schema.version, featureNames: schema.featureNames)
        let set = try LabelledFeatureSet.build(transactionsPath: input, labelsPath: labels) { line, error in
            FileHandle.standardError.write(Data("evaluate: \(input):\(line): \(error.description)\n".utf8))
        }
        let scores = file.model.scores(try ModelFeatureMatrix(featureCount: set.featureCount, values: set.values))
        let threshold = threshold ?? file.decisionThreshold
        var evaluation = ModelEvaluation(scores: scores, labels: set.labels, threshold: threshold, segments: set.fraudTypes)
        evaluation.detection = set.detection(flags: scores.map { $0 >= threshold })
        ModelReport.lines(evaluation, rows: set.count, title: "evaluate \(model ?? "(default model)")").forEach { print($0) }
    }
}

/// The model shipped with fraudstream, trained on generator data (docs/model.md says how).
enum DefaultModel {
    static func load() throws -> ModelFile {
        try ModelFile.load(url().path)
    }

    /// Where the bundled model file is.
    static func url() throws -> URL {
        guard let url = Bundle.module.url(forResource: "default-model", withExtension: "json") else {
            throw ValidationError("the bundled default model is missing from this build; pass --model model.json")
        }
        return url
    }
}
