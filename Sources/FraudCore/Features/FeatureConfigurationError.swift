/// A ``FeatureConfiguration`` that cannot be used, with a message saying which field and why.
public struct FeatureConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong and the accepted range, e.g. `dayVersions must be between 1 and 16, got 0`.
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
