/// A record header: a key with an optional binary value.
public struct KafkaHeader: Hashable, Sendable {
    /// The header key.
    public var key: String
    /// The header value; `nil` is a header with a null value, distinct from an empty one.
    public var value: [UInt8]?

    /// Creates a header with a binary value.
    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }

    /// Creates a header whose value is the UTF-8 encoding of `string`.
    public init(key: String, string: String) {
        self.init(key: key, value: Array(string.utf8))
    }
}

extension Array where Element == KafkaHeader {
    /// The value of the first header named `key`, if any.
    public func first(named key: String) -> [UInt8]? {
        first(where: { $0.key == key })?.value
    }
}
