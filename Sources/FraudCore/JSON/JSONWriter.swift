/// Appends JSON tokens to a byte buffer in the canonical wire form.
enum JSONWriter {
    /// Appends text that is already JSON, such as `{"id":`.
    static func appendRaw(_ text: StaticString, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends a quoted string, escaping `"`, `\` and control characters; other characters are written as UTF-8.
    static func appendString(_ value: String, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var plainStart = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[plainStart..<index]))
                appendEscape(for: byte, to: &buffer)
                plainStart = index + 1
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[plainStart...]))
        }
        buffer.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(for byte: UInt8, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): buffer.append(byte)
        case UInt8(ascii: "\n"): buffer.append(UInt8(ascii: "n"))
        case UInt8(ascii: "\r"): buffer.append(UInt8(ascii: "r"))
        case UInt8(ascii: "\t"): buffer.append(UInt8(ascii: "t"))
        case 0x08: buffer.append(UInt8(ascii: "b"))
        case 0x0C: buffer.append(UInt8(ascii: "f"))
        default:
            let hexDigits: StaticString = "0123456789abcdef"
            appendRaw("u00", to: &buffer)
            buffer.append(hexDigits.utf8Start[Int(byte >> 4)])
            buffer.append(hexDigits.utf8Start[Int(byte & 0xF)])
        }
    }

    /// Appends a number in the shortest form that reads back as exactly the same `Double`.
    ///
    /// - Parameter field: The field being written, named when the precondition fails.
    /// - Precondition: `value` is finite: JSON has no infinities or NaN.
    static func appendNumber(_ value: Double, field: StaticString, to buffer: inout [UInt8]) {
        precondition(value.isFinite, "\(field) is \(value); only finite numbers can be encoded as JSON")
        // Swift's description is the shortest round-trip form, and always valid JSON
        // for finite values: "12.5", "100.0", "-0.0", "1e-05", "1.7976931348623157e+308".
        buffer.append(contentsOf: value.description.utf8)
    }

    /// Appends a time as a quoted RFC 3339 string in UTC with milliseconds.
    static func appendEventTime(_ time: EventTime, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        RFC3339.format(time.millisecondsSinceEpoch, into: &buffer)
        buffer.append(UInt8(ascii: "\""))
    }
}
