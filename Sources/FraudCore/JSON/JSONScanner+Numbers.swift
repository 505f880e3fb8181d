extension JSONScanner {
    /// Reads a number in JSON syntax; the next byte must be `-` or a digit.
    ///
    /// While checking the syntax, collects the first 19 significant digits and the
    /// decimal exponent, so that most numbers convert without a second pass.
    mutating func readNumber() throws(WireDecodingError) -> NumberToken {
        var token = NumberToken(
            start: offset, end: offset, isNegative: false, isInteger: true,
            significand: 0, exponent: 0, isTruncated: false)
        var significantDigits = 0

        func accumulate(_ digit: UInt8, inFraction: Bool) {
            if token.significand == 0 && digit == 0 {
                // A zero before the first significant digit only moves the decimal point.
                token.exponent -= inFraction ? 1 : 0
            } else if significantDigits < 19 {
                token.significand = token.significand * 10 + UInt64(digit)
                significantDigits += 1
                token.exponent -= inFraction ? 1 : 0
            } else {
                token.isTruncated = true
                token.exponent += inFraction ? 0 : 1
            }
        }

        if bytes[offset] == UInt8(ascii: "-") {
            token.isNegative = true
            offset += 1
        }
        guard let first = digit(at: offset) else {
            throw unexpected(expecting: "a digit after '-'")
        }
        if first == 0 {
            offset += 1
            guard digit(at: offset) == nil else {
                throw .malformedJSON(at: token.start, "numbers must not have leading zeros")
            }
        } else {
            while let value = digit(at: offset) {
                accumulate(value, inFraction: false)
                offset += 1
            }
        }

        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
            token.isInteger = false
            offset += 1
            guard digit(at: offset) != nil else {
                throw unexpected(expecting: "a digit after '.'")
            }
            while let value = digit(at: offset) {
                accumulate(value, inFraction: true)
                offset += 1
            }
        }

        if offset < bytes.count, bytes[offset] | 0x20 == UInt8(ascii: "e") {
            token.isInteger = false
            offset += 1
            var isNegativeExponent = false
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") {
                isNegativeExponent = bytes[offset] == UInt8(ascii: "-")
                offset += 1
            }
            guard digit(at: offset) != nil else {
                throw unexpected(expecting: "a digit in the exponent")
            }
            var exponent = 0
            while let value = digit(at: offset) {
                // Saturate: anything this far out is zero or infinite anyway.
                exponent = min(exponent * 10 + Int(value), 1_000_000)
                offset += 1
            }
            token.exponent += isNegativeExponent ? -exponent : exponent
        }

        token.end = offset
        return token
    }

    private func digit(at index: Int) -> UInt8? {
        guard index < bytes.count else { return nil }
        let value = bytes[index] &- UInt8(ascii: "0")
        return value < 10 ? value : nil
    }

    /// The value of a number token, correctly rounded; may be infinite for huge exponents such as `1e999`.
    func double(_ token: NumberToken) -> Double {
        // Exact when the significand and the power of ten are both exact doubles:
        // one IEEE multiplication or division then rounds correctly.
        if !token.isTruncated, token.significand <= 1 << 53, (-22...22).contains(token.exponent) {
            let significand = Double(token.significand)
            let power = Self.powersOfTen[abs(token.exponent)]
            let magnitude = token.exponent < 0 ? significand / power : significand * power
            return token.isNegative ? -magnitude : magnitude
        }
        if token.significand == 0 {
            return token.isNegative ? -0.0 : 0.0
        }
        // Rare: long or extreme numbers go through the standard library's correctly rounded parser.
        let magnitude = Double(text(token)) ?? .infinity
        return magnitude
    }

    /// The value of an integer token, or `nil` if it has a fraction or exponent or does not fit in Int64.
    func int64(_ token: NumberToken) -> Int64? {
        guard token.isInteger, !token.isTruncated, token.exponent == 0 else { return nil }
        if token.isNegative {
            guard token.significand <= UInt64(Int64.max) + 1 else { return nil }
            return Int64(truncatingIfNeeded: 0 &- token.significand)
        }
        guard token.significand <= UInt64(Int64.max) else { return nil }
        return Int64(token.significand)
    }

    /// The source text of a token, for messages and the slow conversion path.
    func text(_ token: NumberToken) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[token.start..<token.end]), as: UTF8.self)
    }

    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]
}
