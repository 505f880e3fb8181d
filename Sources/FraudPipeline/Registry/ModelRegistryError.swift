/// Why the model registry refused a request. `description` says what was wrong and how to fix it.
public struct ModelRegistryError: Error, Sendable, CustomStringConvertible {
    /// The kind of refusal.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: Hashable, Sendable {
            case unknownVersion
            case versionTaken
            case invalidVersionName
            case missingDocument
            case unreadableDocument
            case incompatibleSchema
        }

        private let kind: Kind

        private init(_ kind: Kind) {
            self.kind = kind
        }

        /// No model of that version is registered.
        public static let unknownVersion = Code(.unknownVersion)
        /// The version is registered already, with another document.
        public static let versionTaken = Code(.versionTaken)
        /// The version name is empty, too long or has characters other than letters, digits, `.`, `_`, `-`.
        public static let invalidVersionName = Code(.invalidVersionName)
        /// The version was recorded before the registry stored model files, so it cannot be loaded.
        public static let missingDocument = Code(.missingDocument)
        /// The stored model file cannot be read by this build.
        public static let unreadableDocument = Code(.unreadableDocument)
        /// The model reads another feature schema than the one this build's workers compute.
        public static let incompatibleSchema = Code(.incompatibleSchema)

        /// A short name for the code, such as `unknownVersion`.
        public var description: String {
            switch kind {
            case .unknownVersion: "unknownVersion"
            case .versionTaken: "versionTaken"
            case .invalidVersionName: "invalidVersionName"
            case .missingDocument: "missingDocument"
            case .unreadableDocument: "unreadableDocument"
            case .incompatibleSchema: "incompatibleSchema"
            }
        }
    }

    /// The kind of refusal.
    public var code: Code
    /// The version concerned.
    public var version: String
    /// What was wrong and what to do about it.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of refusal.
    ///   - version: The version concerned.
    ///   - message: What was wrong and what to do.
    public init(_ code: Code, version: String, _ message: String) {
        self.code = code
        self.version = version
        self.message = message
    }

    /// The message.
    public var description: String {
        message
    }
}
