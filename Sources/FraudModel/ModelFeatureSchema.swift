/// The feature schema a model was trained on: its name, version and feature names in order.
///
/// It is stored in the model file, so a worker can refuse a model that reads its vectors
/// differently from how the feature engine writes them (see ``requireMatch(name:version:featureNames:)``).
/// It mirrors the feature engine's schema without depending on it.
public struct ModelFeatureSchema: Hashable, Codable, Sendable {
    /// The schema's name, e.g. `fraudstream-features`.
    public var name: String
    /// The schema's version; it changes whenever a feature is added, removed, reordered or redefined.
    public var version: Int
    /// The feature names in vector order.
    public var featureNames: [String]

    /// Creates a schema.
    ///
    /// - Parameters:
    ///   - name: The schema's name.
    ///   - version: The schema's version.
    ///   - featureNames: The feature names in vector order.
    public init(name: String, version: Int, featureNames: [String]) {
        self.name = name
        self.version = version
        self.featureNames = featureNames
    }

    enum CodingKeys: String, CodingKey {
        case name, version, featureNames = "feature_names"
    }

    /// The number of features.
    public var featureCount: Int {
        featureNames.count
    }

    /// Checks that the feature engine's schema is the one this model expects.
    ///
    /// - Parameters:
    ///   - name: The name of the schema the engine produces.
    ///   - version: The version of the schema the engine produces.
    ///   - featureNames: The engine's feature names in vector order.
    /// - Throws: ``ModelError/Code/schemaMismatch`` naming both schemas when the name, version
    ///   or feature list differ.
    public func requireMatch(name: String, version: Int, featureNames: [String]) throws(ModelError) {
        let expected = "feature schema \"\(self.name)\" v\(self.version)"
        let produced = name == self.name ? "v\(version)" : "\"\(name)\" v\(version)"
        if name != self.name || version != self.version {
            throw ModelError(
                .schemaMismatch,
                "model expects \(expected), the engine produces \(produced): retrain the model or run a matching fraudstream version"
            )
        }
        guard featureNames != self.featureNames else { return }
        let difference: String
        if let position = (0..<min(self.featureNames.count, featureNames.count)).first(where: { self.featureNames[$0] != featureNames[$0] }) {
            difference = "at position \(position) the model expects \"\(self.featureNames[position])\", the engine produces \"\(featureNames[position])\""
        } else {
            difference = "the model expects \(self.featureNames.count) features, the engine produces \(featureNames.count)"
        }
        throw ModelError(
            .schemaMismatch,
            "model expects \(expected) and the engine produces \(produced), but their features differ (\(difference)): the schema changed without a version bump; retrain the model on features from this build"
        )
    }
}
