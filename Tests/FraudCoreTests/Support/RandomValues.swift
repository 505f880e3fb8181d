@testable import FraudCore

/// Random domain values for property tests, covering the awkward corners of the wire format.
extension SeededGenerator {
    /// A non-empty string mixing ASCII, characters that must be escaped, and multi-byte UTF-8;
    /// never NUL (which the decoder rejects: text columns cannot hold it) and at most 96 bytes
    /// (the limit is 256).
    mutating func identifier() -> String {
        let awkward: [Unicode.Scalar] = [
            "\"", "\\", "/", "\n", "\r", "\t", "\u{1}", "\u{1F}", "\u{7F}", "é", "€", "\u{2028}",
            "\u{FEFF}", "\u{FFFF}", "😀", "\u{10FFFF}", " ",
        ]
        let length = Int.random(in: 1...24, using: &self)
        var scalars = String.UnicodeScalarView()
        for _ in 0..<length {
            switch Int.random(in: 0..<10, using: &self) {
            case 0..<6:
                scalars.append(Unicode.Scalar(UInt8.random(in: 0x21...0x7E, using: &self)))
            case 6..<8:
                scalars.append(awkward.randomElement(using: &self)!)
            default:
                var scalar = anyScalar()
                while scalar == "\u{0}" { scalar = anyScalar() }
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// Any Unicode scalar, surrogates excluded.
    mutating func anyScalar() -> Unicode.Scalar {
        while true {
            if let scalar = Unicode.Scalar(UInt32.random(in: 0...0x10FFFF, using: &self)) {
                return scalar
            }
        }
    }

    /// A finite double: everyday amounts, integers, and extremes (subnormal, huge, negative zero).
    mutating func finiteDouble() -> Double {
        switch Int.random(in: 0..<8, using: &self) {
        case 0: return Double(Int.random(in: 0...100_000_000, using: &self)) / 100
        case 1: return Double(Int.random(in: -1_000_000...1_000_000, using: &self))
        case 2: return [0.0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude,
            -.greatestFiniteMagnitude, 1e20, 1e21, 1e22, 1e23, 0.1, 1e-7, 123456789012345680000.0,
        ].randomElement(using: &self)!
        case 3: return Double.random(in: -1...1, using: &self)
        default:
            while true {
                let value = Double(bitPattern: next())
                if value.isFinite {
                    return value
                }
            }
        }
    }

    /// A time anywhere in the representable range, or often near today.
    mutating func eventTime() -> EventTime {
        let range = Bool.random(using: &self)
            ? RFC3339.millisecondRange
            : 1_700_000_000_000...1_900_000_000_000
        return EventTime(millisecondsSinceEpoch: Int64.random(in: range, using: &self))
    }

    mutating func transaction() -> Transaction {
        Transaction(
            id: identifier(), timestamp: eventTime(),
            type: TransactionType.allCases.randomElement(using: &self)!,
            amount: Int.random(in: 0..<20, using: &self) == 0 ? -0.0 : finiteDouble().magnitude,
            accountFrom: identifier(), oldBalanceFrom: finiteDouble(), newBalanceFrom: finiteDouble(),
            accountTo: identifier(), oldBalanceTo: finiteDouble(), newBalanceTo: finiteDouble())
    }

    mutating func label() -> Label {
        Label(
            id: identifier(), isFraud: Bool.random(using: &self),
            fraudType: Bool.random(using: &self) ? nil : (Bool.random(using: &self) ? "" : identifier()),
            labeledAt: eventTime())
    }
}
