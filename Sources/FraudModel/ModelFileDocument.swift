/// The JSON shape of a ``ModelFile``.
struct ModelFileDocument: Codable {
    /// The fields read first, to refuse other files and versions before anything else.
    struct Header: Decodable {
        enum CodingKeys: String, CodingKey {
            case format, formatVersion = "format_version"
        }

        var format: String?
        var formatVersion: Int?
    }

    /// `{"kind": "tree_ensemble" | "logistic_regression", ...the model's parameters}`.
    struct StoredModel: Codable {
        enum CodingKeys: String, CodingKey {
            case kind
        }

        static let treeEnsemble = "tree_ensemble", logisticRegression = "logistic_regression"

        let model: any FraudScoringModel

        init(_ model: any FraudScoringModel) {
            self.model = model
        }

        init(from decoder: any Decoder) throws {
            let kind = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .kind)
            switch kind {
            case Self.treeEnsemble: model = try TreeEnsembleModel(from: decoder)
            case Self.logisticRegression: model = try LogisticRegressionModel(from: decoder)
            default:
                throw ModelError(.unknownModelKind, "model.kind \"\(kind)\" is not known to this build: expected \"\(Self.treeEnsemble)\" or \"\(Self.logisticRegression)\"")
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch model {
            case let model as TreeEnsembleModel:
                try container.encode(Self.treeEnsemble, forKey: .kind)
                try model.encode(to: encoder)
            case let model as LogisticRegressionModel:
                try container.encode(Self.logisticRegression, forKey: .kind)
                try model.encode(to: encoder)
            default:
                preconditionFailure("ModelFile.init admits only tree ensembles and logistic regressions, got \(type(of: model))")
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case format, formatVersion = "format_version", featureSchema = "feature_schema"
        case decisionThreshold = "decision_threshold", model, evaluation
    }

    var format: String
    var formatVersion: Int
    var featureSchema: ModelFeatureSchema
    var decisionThreshold: Double
    var model: StoredModel
    var evaluation: ModelEvaluation?
}
