/// A command-line setting of `fraudstream generate` that cannot be used, with a message that
/// names the flag, what was expected and what was given.
public struct GeneratorOptionsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The message for the person who typed the flags, e.g.
    /// `--rate: expected a positive number of transactions per second, got "fast"`.
    public var message: String

    /// Creates an error with its message.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
