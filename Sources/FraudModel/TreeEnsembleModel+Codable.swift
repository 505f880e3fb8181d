extension TreeEnsembleModel: Codable {
    enum CodingKeys: String, CodingKey {
        case featureCount = "feature_count", baseMargin = "base_margin", trees
    }

    /// Decodes and checks an ensemble.
    ///
    /// - Throws: ``ModelError`` with ``ModelError/Code/invalidModel`` for inconsistent trees, or a decoding error.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            featureCount: container.decode(Int.self, forKey: .featureCount),
            baseMargin: container.decode(Double.self, forKey: .baseMargin),
            trees: container.decode([Tree].self, forKey: .trees))
    }

    /// Encodes the feature count, base margin and trees.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(featureCount, forKey: .featureCount)
        try container.encode(baseMargin, forKey: .baseMargin)
        try container.encode(trees, forKey: .trees)
    }
}
