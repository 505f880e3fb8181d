import Foundation
@testable import FraudCore

/// Writes valid JSON for a value in many equivalent ways: fields shuffled, whitespace
/// between tokens, unknown fields holding nested values, other escapes, other number
/// spellings, offset and epoch-millisecond timestamps. Independent of the encoder under test.
struct WireVariants {
    var random: SeededGenerator
    /// Whether to keep to what Foundation reads: its ISO 8601 parser wants an upper-case `T`
    /// and a three-digit fraction, and JSONSerialization rejects numbers such as `-1e999`.
    var foundationCompatible = false

    mutating func json(for transaction: Transaction) -> [UInt8] {
        object([
            ("id", string(transaction.id)),
            ("timestamp", time(transaction.timestamp)),
            ("type", string(transaction.type.rawValue)),
            ("amount", number(transaction.amount)),
            ("account_from", string(transaction.accountFrom)),
            ("old_balance_from", number(transaction.oldBalanceFrom)),
            ("new_balance_from", number(transaction.newBalanceFrom)),
            ("account_to", string(transaction.accountTo)),
            ("old_balance_to", number(transaction.oldBalanceTo)),
            ("new_balance_to", number(transaction.newBalanceTo)),
        ])
    }

    mutating func json(for label: Label) -> [UInt8] {
        var fields = [
            ("id", string(label.id)),
            ("is_fraud", label.isFraud ? "true" : "false"),
            ("labeled_at", time(label.labeledAt)),
        ]
        if let fraudType = label.fraudType {
            fields.append(("fraud_type", string(fraudType)))
        } else if Bool.random(using: &random) {
            fields.append(("fraud_type", "null"))
        }
        return object(fields)
    }

    private mutating func object(_ fields: [(String, String)]) -> [UInt8] {
        var members = fields.map { (string($0.0), $0.1) }
        for _ in 0..<Int.random(in: 0...3, using: &random) {
            members.append((string(random.identifier()), unknownValue()))
        }
        members.shuffle(using: &random)
        var text = space() + "{"
        for (index, (key, value)) in members.enumerated() {
            text += space() + key + space() + ":" + space() + value + space()
            if index < members.count - 1 {
                text += ","
            }
        }
        text += "}" + space()
        return Array(text.utf8)
    }

    private mutating func space() -> String {
        String((0..<Int.random(in: 0...2, using: &random)).map { _ in " \t\n\r".randomElement(using: &random)! })
    }

    private mutating func unknownValue() -> String {
        if foundationCompatible {
            return #"{"x":[1,2.5E+3,{"y":[[],{}]}],"z":"\ud83d\ude00"}"#
        }
        return [
            "null", "true", "[]", "{}", "-0.0e-0", "12345678901234567890123", #""\ud83d\ude00 \/""#,
            #"{"id":"nested","amount":"not checked","x":[1,2.5E+3,{"y":[[],{}]}]}"#,
            #"[{"type":"REFUND"},"\"",-1e999]"#,
        ].randomElement(using: &random)!
    }

    /// A JSON string for `value`, escaping some characters that need no escape.
    private mutating func string(_ value: String) -> String {
        var text = "\""
        for scalar in value.unicodeScalars {
            let escapeAnyway = Int.random(in: 0..<4, using: &random) == 0
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n" where !escapeAnyway: text += "\\n"
            case "/" where escapeAnyway: text += "\\/"
            case _ where scalar.value < 0x20 || escapeAnyway: text += unicodeEscape(scalar)
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }

    private func unicodeEscape(_ scalar: Unicode.Scalar) -> String {
        String(scalar).utf16.map { String(format: "\\u%04X", $0) }.joined()
    }

    /// A JSON number that reads back as exactly `value`.
    private mutating func number(_ value: Double) -> String {
        switch Int.random(in: 0..<3, using: &random) {
        case 0: value.description
        case 1: String(format: "%.17g", value)
        default: String(format: "%.17E", value)
        }
    }

    /// An RFC 3339 string in some time zone, or epoch milliseconds, for `time`.
    private mutating func time(_ time: EventTime) -> String {
        let milliseconds = time.millisecondsSinceEpoch
        if Int.random(in: 0..<4, using: &random) == 0 {
            return String(milliseconds)
        }
        var offsetMinutes = Int64.random(in: -(23 * 60 + 59)...(23 * 60 + 59), using: &random)
        if !RFC3339.millisecondRange.contains(milliseconds + offsetMinutes * 60_000) || Bool.random(using: &random) {
            offsetMinutes = 0
        }
        var local: [UInt8] = []
        RFC3339.format(milliseconds + offsetMinutes * 60_000, into: &local)
        var text = String(decoding: local.dropLast(), as: UTF8.self)  // "YYYY-MM-DDTHH:MM:SS.mmm"
        if !foundationCompatible {
            if Bool.random(using: &random) {
                text = text.replacingOccurrences(of: "T", with: "t")
            }
            if milliseconds % 1000 == 0, Bool.random(using: &random) {
                text.removeLast(4)
            } else {
                // Digits beyond the millisecond are truncated by the decoder.
                text += String((0..<Int.random(in: 0...6, using: &random)).map { _ in "0123456789".randomElement(using: &random)! })
            }
        }
        if offsetMinutes == 0 && Bool.random(using: &random) {
            text += !foundationCompatible && Bool.random(using: &random) ? "z" : "Z"
        } else {
            let magnitude = abs(offsetMinutes)
            text += (offsetMinutes < 0 || (offsetMinutes == 0 && Bool.random(using: &random)) ? "-" : "+")
                + String(format: "%02d:%02d", magnitude / 60, magnitude % 60)
        }
        return "\"" + text + "\""
    }
}
