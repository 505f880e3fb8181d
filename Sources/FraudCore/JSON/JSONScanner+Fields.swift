/// Typed field readers shared by the decoders.
///
/// Each reader consumes one value. A value that is malformed JSON throws at once;
/// a well-formed value of the wrong type or out of range is recorded in `problem`
/// (if no earlier problem was) and the reader returns `nil`, so that the rest of
/// the message is still checked for syntax errors, which take precedence.
extension JSONScanner {
    /// Reads a non-empty string.
    mutating func readIdentifier(
        _ field: StaticString, problem: inout WireDecodingError?
    ) throws(WireDecodingError) -> String? {
        guard try peekValue() == UInt8(ascii: "\"") else {
            return try mismatch(field, expected: "a string", problem: &problem)
        }
        let token = try readString()
        guard token.end > token.start else {
            problem.record(.emptyField("\(field)"))
            return nil
        }
        return storable(string(token), field, problem: &problem)
    }

    /// `text` if a text column can store it and it is within the length limit; else records why not.
    private func storable(_ text: String, _ field: StaticString, problem: inout WireDecodingError?) -> String? {
        let bytes = text.utf8.count
        guard bytes <= WireDecodingError.maxTextBytes else {
            problem.record(.fieldTooLong("\(field)", bytes: bytes))
            return nil
        }
        guard !text.utf8.contains(0) else {
            problem.record(.nulCharacter("\(field)"))
            return nil
        }
        return text
    }

    /// Reads a string or `null`; returns `.some(nil)` for `null`.
    mutating func readOptionalString(
        _ field: StaticString, problem: inout WireDecodingError?
    ) throws(WireDecodingError) -> String?? {
        switch try peekValue() {
        case UInt8(ascii: "\""):
            return .some(storable(string(try readString()), field, problem: &problem))
        case UInt8(ascii: "n"):
            try readNull()
            return .some(nil)
        default:
            return try mismatch(field, expected: "a string or null", problem: &problem)
        }
    }

    /// Reads a finite number, and when `nonNegative` is set, one that is not below zero.
    mutating func readFiniteNumber(
        _ field: StaticString, nonNegative: Bool = false, problem: inout WireDecodingError?
    ) throws(WireDecodingError) -> Double? {
        switch try peekValue() {
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let token = try readNumber()
            let value = double(token)
            guard value.isFinite else {
                problem.record(.nonFiniteNumber("\(field)", literal: text(token)))
                return nil
            }
            guard !nonNegative || value >= 0 else {
                problem.record(.negativeAmount(text(token)))
                return nil
            }
            return value
        default:
            return try mismatch(field, expected: "a number", problem: &problem)
        }
    }

    /// Reads `true` or `false`.
    mutating func readBoolean(
        _ field: StaticString, problem: inout WireDecodingError?
    ) throws(WireDecodingError) -> Bool? {
        switch try peekValue() {
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            return try readBoolean()
        default:
            return try mismatch(field, expected: "a boolean", problem: &problem)
        }
    }

    /// Reads an RFC 3339 string with a time zone, or epoch milliseconds as an integer.
    mutating func readEventTime(
        _ field: StaticString, problem: inout WireDecodingError?
    ) throws(WireDecodingError) -> EventTime? {
        switch try peekValue() {
        case UInt8(ascii: "\""):
            let token = try readString()
            if let milliseconds = withValueBytes(of: token, RFC3339.parse) {
                return EventTime(millisecondsSinceEpoch: milliseconds)
            }
            problem.record(.invalidTimestamp("\(field)", found: WireDecodingError.quoted(string(token))))
            return nil
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let token = try readNumber()
            if let milliseconds = int64(token), RFC3339.millisecondRange.contains(milliseconds) {
                return EventTime(millisecondsSinceEpoch: milliseconds)
            }
            problem.record(.invalidTimestamp("\(field)", found: text(token)))
            return nil
        default:
            return try mismatch(
                field, expected: "an RFC 3339 string or epoch milliseconds as an integer", problem: &problem)
        }
    }

    /// Records a wrong-type problem for the value at hand and skips it.
    private mutating func mismatch<Value>(
        _ field: StaticString, expected: String, problem: inout WireDecodingError?
    ) throws(WireDecodingError) -> Value? {
        let found = try describeAndSkipValue()
        problem.record(.wrongType("\(field)", expected: expected, found: found))
        return nil
    }
}

extension WireDecodingError? {
    /// Keeps the first problem found in a message.
    mutating func record(_ error: WireDecodingError) {
        if case .none = self {
            self = error
        }
    }
}
