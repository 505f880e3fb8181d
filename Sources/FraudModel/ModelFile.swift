import Foundation

/// A trained model as stored on disk: the model, the feature schema it reads, its decision
/// threshold and how it evaluated.
///
/// The format is JSON, `"format": "fraudstream-model"`, `"format_version": 1`; docs/model.md
/// describes every field. Loading checks the format, version and model kind, and every
/// parameter of the model.
public struct ModelFile: Sendable {
    /// The value of the `format` field.
    public static let format = "fraudstream-model"
    /// The format version this build reads and writes.
    public static let formatVersion = 1

    /// The model: a ``TreeEnsembleModel`` or a ``LogisticRegressionModel``.
    public let model: any FraudScoringModel
    /// The feature schema the model was trained on.
    public var featureSchema: ModelFeatureSchema
    /// Rows scoring at or above this probability are flagged.
    public var decisionThreshold: Double
    /// How the model did on held-out data, if evaluated.
    public var evaluation: ModelEvaluation?

    /// Creates a model file.
    ///
    /// - Parameters:
    ///   - model: A ``TreeEnsembleModel`` or a ``LogisticRegressionModel``.
    ///   - featureSchema: The schema it was trained on; its feature count must match the model's.
    ///   - decisionThreshold: The flagging threshold, in `0...1`.
    ///   - evaluation: Evaluation figures, if any.
    /// - Throws: ``ModelError/Code/invalidModel`` for another model type, a feature-count
    ///   mismatch or a threshold outside `0...1`.
    public init(model: any FraudScoringModel, featureSchema: ModelFeatureSchema, decisionThreshold: Double, evaluation: ModelEvaluation? = nil) throws(ModelError) {
        guard model is TreeEnsembleModel || model is LogisticRegressionModel else {
            throw ModelError(.invalidModel, "model file: a \(type(of: model)) cannot be stored; store a TreeEnsembleModel or a LogisticRegressionModel")
        }
        guard model.featureCount == featureSchema.featureCount else {
            throw ModelError(.invalidModel, "model file: the model reads \(model.featureCount) features but schema \"\(featureSchema.name)\" v\(featureSchema.version) has \(featureSchema.featureCount); pass the schema the model was trained on")
        }
        guard (0...1).contains(decisionThreshold) else {
            throw ModelError(.invalidModel, "model file: decision threshold \(decisionThreshold) is not a probability; use a value in 0...1")
        }
        self.model = model
        self.featureSchema = featureSchema
        self.decisionThreshold = decisionThreshold
        self.evaluation = evaluation
    }

    /// Checks that the feature engine produces the schema the model expects.
    ///
    /// - Parameters:
    ///   - name: The engine's schema name.
    ///   - version: The engine's schema version.
    ///   - featureNames: The engine's feature names in order.
    /// - Throws: ``ModelError/Code/schemaMismatch`` naming both versions.
    public func requireFeatureSchema(name: String, version: Int, featureNames: [String]) throws(ModelError) {
        try featureSchema.requireMatch(name: name, version: version, featureNames: featureNames)
    }

    /// Reads a model file.
    ///
    /// - Parameter path: The file.
    /// - Throws: ``ModelError`` naming the file: unreadable, malformed (with the field),
    ///   another format version, an unknown kind, or invalid parameters.
    public static func load(_ path: String) throws(ModelError) -> ModelFile {
        try decode(ModelError.readFile(path, what: "model file"), source: path)
    }

    /// Decodes a model file's bytes.
    ///
    /// - Parameters:
    ///   - data: The JSON.
    ///   - source: A name for messages, such as the file path.
    /// - Throws: As ``load(_:)``.
    public static func decode(_ data: Data, source: String = "model file") throws(ModelError) -> ModelFile {
        let decoder = JSONDecoder()
        let header: ModelFileDocument.Header
        do {
            header = try decoder.decode(ModelFileDocument.Header.self, from: data)
        } catch {
            throw ModelError.malformed(error, in: source, expecting: "a fraudstream model file")
        }
        guard header.format == format else {
            throw ModelError(.malformedFile, "\(source): \"format\" is \(header.format.map { "\"\($0)\"" } ?? "missing"), expected \"\(format)\": this is not a fraudstream model file")
        }
        guard header.formatVersion == formatVersion else {
            throw ModelError(.unsupportedFormatVersion, "\(source): format_version \(header.formatVersion.map(String.init) ?? "is missing"), this build reads version \(formatVersion): use the fraudstream release that wrote it, or retrain with this one")
        }
        let document: ModelFileDocument
        do {
            document = try decoder.decode(ModelFileDocument.self, from: data)
        } catch let error as ModelError {
            throw ModelError(error.code, "\(source): \(error.message)")
        } catch {
            throw ModelError.malformed(error, in: source, expecting: "a fraudstream model file")
        }
        do {
            return try ModelFile(model: document.model.model, featureSchema: document.featureSchema,
                                 decisionThreshold: document.decisionThreshold, evaluation: document.evaluation)
        } catch {
            throw ModelError(error.code, "\(source): \(error.message)")
        }
    }

    /// The file's JSON, with sorted keys so that the same model gives the same bytes.
    ///
    /// - Throws: ``ModelError/Code/invalidModel`` when an evaluation figure is not a finite number.
    public func jsonData() throws(ModelError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let document = ModelFileDocument(
            format: Self.format, formatVersion: Self.formatVersion, featureSchema: featureSchema,
            decisionThreshold: decisionThreshold, model: ModelFileDocument.StoredModel(model), evaluation: evaluation)
        do {
            return try encoder.encode(document)
        } catch {
            throw ModelError(.invalidModel, "model file: cannot encode (\(error)): JSON has no NaN or infinity; check the evaluation figures")
        }
    }

    /// Writes the file atomically (to a temporary file, then renamed).
    ///
    /// - Parameter path: The destination.
    /// - Throws: ``ModelError/Code/fileUnreadable`` when it cannot be written, else as ``jsonData()``.
    public func save(_ path: String) throws(ModelError) {
        let data = try jsonData()
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ModelError(.fileUnreadable, "cannot write model file \(path): \((error as NSError).localizedDescription): check that the folder exists and is writable")
        }
    }
}
