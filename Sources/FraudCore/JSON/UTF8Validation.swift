/// Checks multi-byte UTF-8 sequences (RFC 3629): no overlong forms, no surrogates,
/// nothing above U+10FFFF, no missing or stray continuation bytes.
enum UTF8Validation {
    /// The length of the valid multi-byte sequence whose lead byte is at `offset`, or `nil` if it is invalid.
    ///
    /// - Parameter offset: The index of a byte of 0x80 or above.
    static func sequenceLength(in bytes: UnsafeRawBufferPointer, at offset: Int) -> Int? {
        let lead = bytes[offset]
        let length: Int
        // The allowed range of the second byte depends on the lead byte; the rest are 0x80...0xBF.
        let second: ClosedRange<UInt8>
        switch lead {
        case 0xC2...0xDF:
            (length, second) = (2, 0x80...0xBF)
        case 0xE0:
            (length, second) = (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF:
            (length, second) = (3, 0x80...0xBF)
        case 0xED:
            (length, second) = (3, 0x80...0x9F)
        case 0xF0:
            (length, second) = (4, 0x90...0xBF)
        case 0xF1...0xF3:
            (length, second) = (4, 0x80...0xBF)
        case 0xF4:
            (length, second) = (4, 0x80...0x8F)
        default:
            return nil
        }
        guard offset + length <= bytes.count, second.contains(bytes[offset + 1]) else { return nil }
        for index in (offset + 2)..<(offset + length) where bytes[index] & 0xC0 != 0x80 {
            return nil
        }
        return length
    }

    /// The scalar encoded by the valid multi-byte sequence at `offset`, or `nil` if it is invalid.
    static func scalar(in bytes: UnsafeRawBufferPointer, at offset: Int) -> Unicode.Scalar? {
        guard let length = sequenceLength(in: bytes, at: offset) else { return nil }
        let leadBits = UInt32(bytes[offset]) & (0xFF >> (length + 1))
        var value = leadBits
        for index in (offset + 1)..<(offset + length) {
            value = value << 6 | UInt32(bytes[index] & 0x3F)
        }
        return Unicode.Scalar(value)
    }
}
