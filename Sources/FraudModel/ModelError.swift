/// An error from loading, checking, importing or training a model.
///
/// ``description`` says what was wrong and how to fix it, and is safe to log: it names files,
/// fields and versions, never feature values.
public struct ModelError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is; compare with the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: Hashable, Sendable {
            case fileUnreadable, malformedFile, unsupportedFormatVersion, unknownModelKind
            case schemaMismatch, unsupportedXGBoostModel, invalidModel, invalidTrainingData
        }

        private let kind: Kind

        /// The file could not be read or written.
        public static let fileUnreadable = Code(kind: .fileUnreadable)
        /// The file is not valid JSON, or a field is missing or has the wrong type.
        public static let malformedFile = Code(kind: .malformedFile)
        /// The file is a fraudstream model of a format version this build does not read.
        public static let unsupportedFormatVersion = Code(kind: .unsupportedFormatVersion)
        /// The file names a model kind this build does not know.
        public static let unknownModelKind = Code(kind: .unknownModelKind)
        /// The model expects a different feature schema from the one offered.
        public static let schemaMismatch = Code(kind: .schemaMismatch)
        /// The XGBoost model uses an objective or feature this importer does not support.
        public static let unsupportedXGBoostModel = Code(kind: .unsupportedXGBoostModel)
        /// The model's parameters are inconsistent (e.g. a child index out of range).
        public static let invalidModel = Code(kind: .invalidModel)
        /// The training data or configuration cannot be trained on.
        public static let invalidTrainingData = Code(kind: .invalidTrainingData)

        /// The code's name, e.g. `schemaMismatch`.
        public var description: String {
            "\(kind)"
        }
    }

    /// What kind of failure this is.
    public let code: Code
    /// What was wrong and how to fix it.
    public let message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What was wrong and how to fix it.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message, safe to log.
    public var description: String {
        message
    }
}
