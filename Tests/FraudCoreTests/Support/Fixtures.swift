import Foundation
import Testing
@testable import FraudCore

/// Hand-written wire messages shared by the tests.
enum Fixtures {
    /// A valid transaction with the fields in canonical order.
    static let transaction = #"""
        {"id":"tx-1","timestamp":"2026-01-01T12:00:00.123Z","type":"PAYMENT","amount":12.5,\#
        "account_from":"C1","old_balance_from":100,"new_balance_from":87.5,\#
        "account_to":"M2","old_balance_to":0,"new_balance_to":12.5}
        """#

    /// The value of ``transaction``.
    static let transactionValue = Transaction(
        id: "tx-1", timestamp: EventTime(millisecondsSinceEpoch: 1_767_268_800_123), type: .payment,
        amount: 12.5, accountFrom: "C1", oldBalanceFrom: 100, newBalanceFrom: 87.5,
        accountTo: "M2", oldBalanceTo: 0, newBalanceTo: 12.5)

    /// A valid label.
    static let label = #"{"id":"tx-1","is_fraud":true,"fraud_type":"account_takeover","labeled_at":1767268800123}"#

    /// ``transaction`` with the first occurrence of `target` replaced.
    static func transaction(replacing target: String, with replacement: String) -> [UInt8] {
        guard let range = transaction.range(of: target) else {
            fatalError("fixture does not contain \(target)")
        }
        return Array(transaction.replacingCharacters(in: range, with: replacement).utf8)
    }

    static let requiredTransactionFields =
        "id, timestamp, type, amount, account_from, old_balance_from, new_balance_from, account_to, "
        + "old_balance_to, new_balance_to"

    static let acceptedTimestamps =
        #"expected an RFC 3339 string with a time zone between years 0000 and 9999 "#
        + #"(e.g. "2026-01-01T12:00:00.123Z" or "2026-01-01T12:00:00+02:00") or epoch milliseconds as a JSON integer"#
}

/// One message that must be rejected, with the exact error it must produce.
struct Rejection: Sendable, CustomTestStringConvertible {
    let name: String
    let message: [UInt8]
    let reason: WireDecodingError.Reason
    let field: String?
    let byteOffset: Int?
    let description: String

    init(
        _ name: String, _ message: [UInt8], _ reason: WireDecodingError.Reason,
        field: String? = nil, byteOffset: Int? = nil, _ description: String
    ) {
        self.name = name
        self.message = message
        self.reason = reason
        self.field = field
        self.byteOffset = byteOffset
        self.description = description
    }

    init(
        _ name: String, _ message: String, _ reason: WireDecodingError.Reason,
        field: String? = nil, byteOffset: Int? = nil, _ description: String
    ) {
        self.init(name, Array(message.utf8), reason, field: field, byteOffset: byteOffset, description)
    }

    var testDescription: String { name }

    var expectedError: WireDecodingError {
        WireDecodingError(reason: reason, field: field, byteOffset: byteOffset, description: description)
    }
}
