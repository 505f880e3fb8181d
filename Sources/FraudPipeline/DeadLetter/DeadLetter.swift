/// A rejected message on its way to the dead-letter topic: the decoder's verdict and the
/// original record's key, which ``RejectedMessage`` does not carry.
public struct DeadLetter: Sendable, Hashable {
    /// The rejected message: source position, reason and original bytes.
    public var message: RejectedMessage
    /// The original record's key, or `nil` if it had none; the dead-letter record keeps it.
    public var key: [UInt8]?

    /// Creates a dead letter.
    /// - Parameters:
    ///   - message: The rejected message.
    ///   - key: The original record's key, if any.
    public init(_ message: RejectedMessage, key: [UInt8]?) {
        self.message = message
        self.key = key
    }
}
