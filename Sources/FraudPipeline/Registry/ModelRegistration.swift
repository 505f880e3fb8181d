/// The outcome of ``ModelRegistry/register(_:version:description:on:)``.
public struct ModelRegistration: Sendable, Hashable {
    /// The version the model is registered under.
    public var version: String
    /// `false` when the same model file was registered before (nothing was written).
    public var isNew: Bool

    /// Creates an outcome.
    /// - Parameters:
    ///   - version: The version.
    ///   - isNew: Whether a row was inserted.
    public init(version: String, isNew: Bool) {
        self.version = version
        self.isNew = isNew
    }
}
