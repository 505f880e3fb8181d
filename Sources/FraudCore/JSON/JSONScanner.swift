/// A strict, validating cursor over the UTF-8 bytes of one JSON message.
///
/// The scanner checks syntax (RFC 8259) and UTF-8 as it goes, so a message is
/// read in a single pass. Strings and numbers are returned as tokens that point
/// into the message; they are turned into values only when a field needs them.
///
/// - Important: A scanner borrows its bytes: use it only while they are alive.
struct JSONScanner {
    /// A string value without its quotes: the byte range in the message.
    struct StringToken {
        var start: Int
        var end: Int
        /// Whether the string contains backslash escapes, so its bytes are not its value.
        var hasEscapes: Bool
    }

    /// A number value: its byte range in the message and its decimal digits.
    struct NumberToken {
        var start: Int
        var end: Int
        var isNegative: Bool
        /// Whether the number has neither a fraction nor an exponent.
        var isInteger: Bool
        /// The first 19 significant digits as an integer.
        var significand: UInt64
        /// The power of ten that `significand` is scaled by, if all digits fitted in it.
        var exponent: Int
        /// Whether the number has more than 19 significant digits.
        var isTruncated: Bool
    }

    /// How deeply unknown fields may nest arrays and objects.
    static let maximumDepth = 64

    let bytes: UnsafeRawBufferPointer
    /// The index of the next byte to read.
    var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    // MARK: Structure

    /// Skips JSON whitespace and returns the next byte, or `nil` at the end of the message.
    mutating func peek() -> UInt8? {
        while offset < bytes.count {
            switch bytes[offset] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                offset += 1
            default:
                return bytes[offset]
            }
        }
        return nil
    }

    /// Consumes the `{` that opens the top-level object.
    mutating func beginTopLevelObject() throws(WireDecodingError) {
        guard let byte = peek() else {
            throw .malformedJSON(at: offset, "the message is empty or only whitespace; expected a JSON object")
        }
        switch byte {
        case UInt8(ascii: "{"):
            offset += 1
        case UInt8(ascii: "["):
            throw .notAnObject(found: "an array")
        case UInt8(ascii: "\""):
            throw .notAnObject(found: "a string")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            throw .notAnObject(found: "a number")
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            // Only a whole literal is a boolean; `fast` is malformed JSON, not a boolean.
            _ = try readBoolean()
            throw .notAnObject(found: "a boolean")
        case UInt8(ascii: "n"):
            try readNull()
            throw .notAnObject(found: "null")
        default:
            throw unexpected(expecting: "a JSON object")
        }
    }

    /// Moves to the next member of the object being read and returns its key,
    /// or returns `nil` after consuming the closing `}`.
    ///
    /// - Parameter isFirst: `true` before the first member; set to `false` by this call.
    mutating func nextMember(isFirst: inout Bool) throws(WireDecodingError) -> StringToken? {
        if isFirst {
            isFirst = false
            switch peek() {
            case UInt8(ascii: "}"):
                offset += 1
                return nil
            case UInt8(ascii: "\""):
                break
            default:
                throw unexpected(expecting: "a field name in double quotes or '}'")
            }
        } else {
            switch peek() {
            case UInt8(ascii: "}"):
                offset += 1
                return nil
            case UInt8(ascii: ","):
                offset += 1
                guard peek() == UInt8(ascii: "\"") else {
                    throw unexpected(expecting: "a field name in double quotes after ','")
                }
            default:
                throw unexpected(expecting: "',' or '}' after a field value")
            }
        }
        let key = try readString()
        guard peek() == UInt8(ascii: ":") else {
            throw unexpected(expecting: "':' after a field name")
        }
        offset += 1
        return key
    }

    /// Skips whitespace and returns the first byte of the next value.
    mutating func peekValue() throws(WireDecodingError) -> UInt8 {
        guard let byte = peek() else {
            throw unexpected(expecting: "a value")
        }
        return byte
    }

    /// Checks that nothing but whitespace follows the top-level object.
    mutating func finish() throws(WireDecodingError) {
        guard peek() == nil else {
            throw unexpected(expecting: "the end of the message after the top-level object")
        }
    }

    /// Skips the next value, checking its syntax, whatever its type.
    mutating func skipValue(depth: Int = 0) throws(WireDecodingError) {
        switch try peekValue() {
        case UInt8(ascii: "\""):
            _ = try readString()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            _ = try readNumber()
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            _ = try readBoolean()
        case UInt8(ascii: "n"):
            try readNull()
        case UInt8(ascii: "{"):
            try enterContainer(depth: depth)
            var isFirst = true
            while try nextMember(isFirst: &isFirst) != nil {
                try skipValue(depth: depth + 1)
            }
        case UInt8(ascii: "["):
            try enterContainer(depth: depth)
            if peek() == UInt8(ascii: "]") {
                offset += 1
                return
            }
            while true {
                try skipValue(depth: depth + 1)
                switch peek() {
                case UInt8(ascii: ","):
                    offset += 1
                case UInt8(ascii: "]"):
                    offset += 1
                    return
                default:
                    throw unexpected(expecting: "',' or ']' after an array element")
                }
            }
        default:
            throw unexpected(expecting: "a value")
        }
    }

    private mutating func enterContainer(depth: Int) throws(WireDecodingError) {
        guard depth < Self.maximumDepth else {
            throw .malformedJSON(
                at: offset, "arrays and objects nest more than \(Self.maximumDepth) levels deep")
        }
        offset += 1
    }

    /// Describes the next value for a wrong-type message (e.g. `a string "12.5"`) and skips it.
    mutating func describeAndSkipValue() throws(WireDecodingError) -> String {
        switch try peekValue() {
        case UInt8(ascii: "\""):
            let token = try readString()
            return "a string " + WireDecodingError.quoted(string(token))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return "a number " + text(try readNumber())
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            return "a boolean \(try readBoolean())"
        case UInt8(ascii: "{"):
            try skipValue()
            return "an object"
        case UInt8(ascii: "["):
            try skipValue()
            return "an array"
        default:
            try skipValue()
            return "null"
        }
    }

    // MARK: Literals

    /// Reads `true` or `false`; the next byte must be `t` or `f`.
    mutating func readBoolean() throws(WireDecodingError) -> Bool {
        if bytes[offset] == UInt8(ascii: "t") {
            try readLiteral("true")
            return true
        }
        try readLiteral("false")
        return false
    }

    /// Reads `null`; the next byte must be `n`.
    mutating func readNull() throws(WireDecodingError) {
        try readLiteral("null")
    }

    private mutating func readLiteral(_ literal: StaticString) throws(WireDecodingError) {
        let length = literal.utf8CodeUnitCount
        let start = offset
        for index in 0..<length {
            guard offset < bytes.count, bytes[offset] == literal.utf8Start[index] else {
                offset = start
                throw .malformedJSON(at: start, "invalid literal; expected \(literal)")
            }
            offset += 1
        }
    }

    // MARK: Errors

    /// The error for an unexpected byte (or end of input) at the current offset.
    func unexpected(expecting expectation: String) -> WireDecodingError {
        guard offset < bytes.count else {
            return .malformedJSON(
                at: offset, "unexpected end of input, expected \(expectation); the message may be truncated")
        }
        let byte = bytes[offset]
        let found: String
        switch byte {
        case 0x20..<0x7F:
            found = "'\(Character(Unicode.Scalar(byte)))'"
        case 0x00..<0x80:
            found = "the control character U+\(hex(UInt32(byte), digits: 4))"
        default:
            guard let scalar = UTF8Validation.scalar(in: bytes, at: offset) else {
                return .invalidUTF8(at: offset)
            }
            found = "'\(Character(scalar))' (U+\(hex(scalar.value, digits: 4)))"
        }
        return .malformedJSON(at: offset, "expected \(expectation), found \(found)")
    }

    func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
