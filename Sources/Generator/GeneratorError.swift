/// A generator run that could not go on: a file that cannot be written, a replay line that
/// cannot be read, a Kafka topic that cannot be created. The message says what and why.
public struct GeneratorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong and, where it helps, how to fix it.
    public var message: String

    /// Creates an error with its message.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
