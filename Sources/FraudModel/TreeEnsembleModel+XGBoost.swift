import Foundation

extension TreeEnsembleModel {
    /// Imports a model saved by XGBoost's `Booster.save_model("model.json")`.
    ///
    /// Supported: `gbtree` boosters with the `binary:logistic` (or `reg:logistic`) objective,
    /// numeric splits, and missing values with a learned default direction. The result scores
    /// like XGBoost's `predict` (to about 1e-7) using all trees in the file.
    ///
    /// - Parameters:
    ///   - data: The JSON bytes.
    ///   - source: A name for messages, such as the file path.
    /// - Returns: The ensemble and, when the booster recorded them, its feature names.
    /// - Throws: ``ModelError/Code/malformedFile`` when a field is missing,
    ///   ``ModelError/Code/unsupportedXGBoostModel`` for other objectives, boosters, multi-class
    ///   or categorical splits, ``ModelError/Code/invalidModel`` for inconsistent trees.
    public static func importXGBoost(json data: Data, source: String = "XGBoost model") throws(ModelError) -> (model: TreeEnsembleModel, featureNames: [String]?) {
        let document: XGBoostDocument
        do {
            document = try JSONDecoder().decode(XGBoostDocument.self, from: data)
        } catch {
            throw ModelError.malformed(error, in: source, expecting: "an XGBoost model saved with save_model(\"model.json\")")
        }
        let learner = document.learner
        let unsupported = { (what: String) in ModelError(.unsupportedXGBoostModel, "\(source): \(what)") }
        guard ["binary:logistic", "reg:logistic"].contains(learner.objective.name) else {
            throw unsupported("objective \"\(learner.objective.name)\" is not supported: train with objective=\"binary:logistic\"")
        }
        guard learner.gradientBooster.name == "gbtree", let trees = learner.gradientBooster.model?.trees else {
            throw unsupported("booster \"\(learner.gradientBooster.name)\" is not supported: train with booster=\"gbtree\"")
        }
        let parameters = learner.learnerModelParam
        guard Int(parameters.numClass ?? "0") ?? 0 <= 1, Int(parameters.numTarget ?? "1") ?? 1 == 1 else {
            throw unsupported("multi-class or multi-target models are not supported: train one binary:logistic model")
        }
        guard let featureCount = Int(parameters.numFeature), featureCount > 0 else {
            throw ModelError(.malformedFile, "\(source): learner_model_param.num_feature is \"\(parameters.numFeature)\", expected a positive integer")
        }
        let baseText = parameters.baseScore.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
        guard let baseScore = Double(baseText), baseScore > 0, baseScore < 1 else {
            throw ModelError(.malformedFile, "\(source): learner_model_param.base_score is \"\(parameters.baseScore)\", expected a probability strictly between 0 and 1")
        }
        var converted: [Tree] = []
        for (index, tree) in trees.enumerated() {
            if tree.splitType?.contains(where: { $0 != 0 }) == true {
                throw unsupported("tree \(index) has categorical splits, which are not supported: one-hot encode categories before training")
            }
            guard tree.splitConditions.count == tree.leftChildren.count else {
                throw ModelError(.invalidModel, "\(source): tree \(index) has \(tree.leftChildren.count) nodes but \(tree.splitConditions.count) split conditions")
            }
            // XGBoost stores a leaf's value in split_conditions.
            let isLeaf = tree.leftChildren.map { $0 == -1 }
            converted.append(Tree(
                leftChildren: tree.leftChildren,
                rightChildren: tree.rightChildren,
                featureIndices: tree.splitIndices,
                thresholds: zip(tree.splitConditions, isLeaf).map { $1 ? 0 : $0 },
                defaultLeft: tree.defaultLeft.values,
                leafValues: zip(tree.splitConditions, isLeaf).map { $1 ? $0 : 0 }
            ))
        }
        let model: TreeEnsembleModel
        do {
            model = try TreeEnsembleModel(featureCount: featureCount, baseMargin: logit(baseScore), trees: converted)
        } catch {
            throw ModelError(error.code, "\(source): \(error.message)")
        }
        return (model, learner.featureNames.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// Imports an XGBoost JSON model file; see ``importXGBoost(json:source:)``.
    ///
    /// - Parameter path: The file written by `save_model`.
    /// - Throws: ``ModelError/Code/fileUnreadable`` when the file cannot be read, else as ``importXGBoost(json:source:)``.
    public static func importXGBoost(contentsOf path: String) throws(ModelError) -> (model: TreeEnsembleModel, featureNames: [String]?) {
        try importXGBoost(json: ModelError.readFile(path, what: "XGBoost model"), source: path)
    }
}
