extension JSONScanner {
    /// Reads a string, checking its escapes and UTF-8; the next byte must be its opening `"`.
    mutating func readString() throws(WireDecodingError) -> StringToken {
        offset += 1
        var token = StringToken(start: offset, end: offset, hasEscapes: false)
        while true {
            skipPlainStringBytes()
            guard offset < bytes.count else {
                throw .malformedJSON(
                    at: offset, "unexpected end of input inside a string; the message may be truncated")
            }
            switch bytes[offset] {
            case UInt8(ascii: "\""):
                token.end = offset
                offset += 1
                return token
            case UInt8(ascii: "\\"):
                token.hasEscapes = true
                try skipEscape()
            case 0x00..<0x20:
                throw .malformedJSON(
                    at: offset,
                    "the control character U+\(hex(UInt32(bytes[offset]), digits: 4)) must be escaped "
                        + "inside a string (e.g. \\n or \\u0000)")
            case 0x80...:
                guard let length = UTF8Validation.sequenceLength(in: bytes, at: offset) else {
                    throw .invalidUTF8(at: offset)
                }
                offset += length
            default:
                offset += 1
            }
        }
    }

    /// Skips, eight at a time, bytes that stand for themselves: printable ASCII other than `"` and `\`.
    private mutating func skipPlainStringBytes() {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        while offset &+ 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            let quotes = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
            let backslashes = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
            // A byte is zero in `quotes` or `backslashes`, or below 0x20 or above 0x7F in `word`,
            // exactly when the high bit of the byte is set in one of these terms.
            let hasQuote = (quotes &- ones) & ~quotes
            let hasBackslash = (backslashes &- ones) & ~backslashes
            let hasControl = (word &- ones &* 0x20) & ~word
            guard (hasQuote | hasBackslash | hasControl | word) & highBits == 0 else { return }
            offset &+= 8
        }
    }

    /// Checks one escape sequence; the next byte must be its backslash.
    private mutating func skipEscape() throws(WireDecodingError) {
        let start = offset
        guard offset + 1 < bytes.count else {
            throw .malformedJSON(at: offset, "unexpected end of input inside a string; the message may be truncated")
        }
        switch bytes[offset + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
            UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            offset += 2
        case UInt8(ascii: "u"):
            let unit = try readUnicodeEscape()
            switch unit {
            case 0xD800...0xDBFF:
                guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"),
                    bytes[offset + 1] == UInt8(ascii: "u"),
                    case let low = try readUnicodeEscape(), (0xDC00...0xDFFF).contains(low)
                else {
                    throw .malformedJSON(
                        at: start,
                        "\\u\(hex(unit, digits: 4)) is a high surrogate without a low surrogate "
                            + "(\\uDC00 to \\uDFFF) after it; encode the character as a surrogate pair")
                }
            case 0xDC00...0xDFFF:
                throw .malformedJSON(
                    at: start,
                    "\\u\(hex(unit, digits: 4)) is a low surrogate without a high surrogate before it; "
                        + "encode the character as a surrogate pair")
            default:
                break
            }
        default:
            throw .malformedJSON(
                at: start,
                "invalid escape in a string; use one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX")
        }
    }

    /// Reads the `\uXXXX` at the current offset and returns its code unit.
    private mutating func readUnicodeEscape() throws(WireDecodingError) -> UInt32 {
        guard let unit = Self.hexValue(bytes, at: offset + 2) else {
            throw .malformedJSON(at: offset, "\\u must be followed by four hexadecimal digits")
        }
        offset += 6
        return unit
    }

    /// The value of the four hexadecimal digits at `index`, or `nil` if there are not four.
    private static func hexValue(_ bytes: UnsafeRawBufferPointer, at index: Int) -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for byte in bytes[index..<(index + 4)] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    // MARK: Values

    /// The value of a string token.
    func string(_ token: StringToken) -> String {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[token.start..<token.end])
        guard token.hasEscapes else {
            return String(decoding: raw, as: UTF8.self)
        }
        // Every escape is at least as long as the UTF-8 it stands for.
        return String(unsafeUninitializedCapacity: raw.count) { Self.unescape(raw, into: $0) }
    }

    /// Calls `body` with the UTF-8 of a string token's value, unescaping it only if it has escapes.
    func withValueBytes<Result>(
        of token: StringToken, _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result {
        guard token.hasEscapes else {
            return body(UnsafeRawBufferPointer(rebasing: bytes[token.start..<token.end]))
        }
        var value = string(token)
        return value.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    /// Writes the UTF-8 of a string whose escapes were checked by `readString`; returns the byte count.
    private static func unescape(_ raw: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var written = 0
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\") else {
                output[written] = byte
                written += 1
                index += 1
                continue
            }
            let escaped = raw[index + 1]
            index += 2
            let simple: UInt8
            switch escaped {
            case UInt8(ascii: "b"): simple = 0x08
            case UInt8(ascii: "f"): simple = 0x0C
            case UInt8(ascii: "n"): simple = UInt8(ascii: "\n")
            case UInt8(ascii: "r"): simple = UInt8(ascii: "\r")
            case UInt8(ascii: "t"): simple = UInt8(ascii: "\t")
            case UInt8(ascii: "u"):
                // Checked by readString: four hex digits, and a high surrogate is followed by a low one.
                var value = hexValue(raw, at: index) ?? 0
                index += 4
                if (0xD800...0xDBFF).contains(value) {
                    let low = hexValue(raw, at: index + 2) ?? 0xDC00
                    value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                written += writeUTF8(value, into: output, at: written)
                continue
            default: simple = escaped  // \" \\ \/
            }
            output[written] = simple
            written += 1
        }
        return written
    }

    /// Writes the UTF-8 form of the scalar `value` at `index`; returns the byte count.
    private static func writeUTF8(_ value: UInt32, into output: UnsafeMutableBufferPointer<UInt8>, at index: Int) -> Int {
        switch value {
        case 0..<0x80:
            output[index] = UInt8(value)
            return 1
        case 0x80..<0x800:
            output[index] = 0xC0 | UInt8(value >> 6)
            output[index + 1] = 0x80 | UInt8(value & 0x3F)
            return 2
        case 0x800..<0x10000:
            output[index] = 0xE0 | UInt8(value >> 12)
            output[index + 1] = 0x80 | UInt8(value >> 6 & 0x3F)
            output[index + 2] = 0x80 | UInt8(value & 0x3F)
            return 3
        default:
            output[index] = 0xF0 | UInt8(value >> 18)
            output[index + 1] = 0x80 | UInt8(value >> 12 & 0x3F)
            output[index + 2] = 0x80 | UInt8(value >> 6 & 0x3F)
            output[index + 3] = 0x80 | UInt8(value & 0x3F)
            return 4
        }
    }
}

extension UnsafeRawBufferPointer {
    /// Whether these bytes are exactly the UTF-8 of `literal`.
    func holds(_ literal: StaticString) -> Bool {
        guard count == literal.utf8CodeUnitCount else { return false }
        for index in 0..<count where self[index] != literal.utf8Start[index] {
            return false
        }
        return true
    }
}
