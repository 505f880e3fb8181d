/// Why a feature-state snapshot could not be restored.
///
/// ``code`` is stable (for logs and metrics); ``description`` says what was found and what to do.
public struct FeatureSnapshotError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The stable category of a failed restore.
    ///
    /// A struct over a private enum so that categories can be added later.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case notASnapshot = "not_a_snapshot"
            case unsupportedVersion = "unsupported_version"
            case truncated
            case corrupt
            case configurationMismatch = "configuration_mismatch"
        }

        private let value: Value

        private init(_ value: Value) {
            self.value = value
        }

        /// The bytes do not start with the snapshot magic `FSFS`.
        public static let notASnapshot = Code(.notASnapshot)
        /// The snapshot was written in a format version (or schema version) this build cannot read.
        public static let unsupportedVersion = Code(.unsupportedVersion)
        /// The snapshot is shorter than its header says: it was cut short.
        public static let truncated = Code(.truncated)
        /// The checksum or the structure is wrong: the bytes were damaged.
        public static let corrupt = Code(.corrupt)
        /// The snapshot was taken under a different ``FeatureConfiguration``.
        public static let configurationMismatch = Code(.configurationMismatch)

        /// The stable snake_case form, e.g. `truncated`.
        public var description: String {
            value.rawValue
        }
    }

    /// The category of the failure.
    public let code: Code
    /// What was wrong and how to recover.
    public let description: String

    init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}
