import Foundation
import Testing

@testable import FraudCore

/// The hand-written decoder against Foundation's JSONSerialization on the same bytes.
@Suite struct FoundationCrossCheckTests {
    @Test func agreesWithJSONSerialization() throws {
        var variants = WireVariants(random: SeededGenerator(seed: 0x6372_6F73_73), foundationCompatible: true)
        var random = SeededGenerator(seed: 0x6661_6F75_6E64)
        let iso8601 = ISO8601DateFormatter()
        iso8601.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for _ in 0..<1000 {
            // Keep to where Foundation is a fair reference: its ISO 8601 parser uses the Julian
            // calendar before October 1582 (RFC 3339 is proleptic Gregorian), and JSONSerialization
            // drops U+FEFF from strings.
            var original = random.transaction()
            original.timestamp = EventTime(
                millisecondsSinceEpoch: Int64.random(in: -12_000_000_000_000...250_000_000_000_000, using: &random))
            original.id.unicodeScalars.removeAll { $0 == "\u{FEFF}" }
            original.accountFrom.unicodeScalars.removeAll { $0 == "\u{FEFF}" }
            original.accountTo.unicodeScalars.removeAll { $0 == "\u{FEFF}" }
            guard !original.id.isEmpty, !original.accountFrom.isEmpty, !original.accountTo.isEmpty else { continue }
            let message = variants.json(for: original)
            let ours = try TransactionDecoder().decode(message)
            let object = try #require(JSONSerialization.jsonObject(with: Data(message)) as? [String: Any])

            #expect(object["id"] as? String == ours.id)
            #expect(object["account_from"] as? String == ours.accountFrom)
            #expect(object["account_to"] as? String == ours.accountTo)
            #expect(object["type"] as? String == ours.type.rawValue)
            let numbers: [(String, Double)] = [
                ("amount", ours.amount), ("old_balance_from", ours.oldBalanceFrom),
                ("new_balance_from", ours.newBalanceFrom), ("old_balance_to", ours.oldBalanceTo),
                ("new_balance_to", ours.newBalanceTo),
            ]
            for (name, value) in numbers {
                // JSONSerialization on Linux is not correctly rounded: it reads -0.5899769168148341
                // as -0.5899769168148343. Exactness is asserted bit for bit by the round-trip and
                // spelling tests; here the two parsers must agree to within that error.
                let foundation = try #require((object[name] as? NSNumber)?.doubleValue, "\(name)")
                #expect(abs(foundation - value) <= abs(value) * 1e-14, "\(name)")
                #expect(foundation.sign == value.sign || value == 0, "\(name)")
            }
            switch object["timestamp"] {
            case let text as String:
                let date = try #require(iso8601.date(from: text), "\(text)")
                let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
                #expect(milliseconds == ours.timestamp.millisecondsSinceEpoch, "\(text)")
            case let number as NSNumber:
                #expect(number.int64Value == ours.timestamp.millisecondsSinceEpoch)
            default:
                Issue.record("timestamp is neither a string nor a number")
            }
        }
    }
}
