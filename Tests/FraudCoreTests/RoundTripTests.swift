import Testing

@testable import FraudCore

/// Encoding then decoding gives back the same value, and re-encoding gives the same bytes.
@Suite struct RoundTripTests {
    static let cases = 3000

    @Test func transactionsRoundTripExactly() throws {
        var random = SeededGenerator(seed: 0x7472_616E_7361_6374)
        let decoder = TransactionDecoder()
        for _ in 0..<Self.cases {
            let transaction = random.transaction()
            let bytes = transaction.jsonBytes
            let decoded = try decoder.decode(bytes)
            #expect(decoded == transaction)
            #expect(decoded.jsonBytes == bytes)
            #expect(decoded.amount.bitPattern == transaction.amount.bitPattern)
            #expect(decoded.newBalanceTo.bitPattern == transaction.newBalanceTo.bitPattern)
        }
    }

    @Test func labelsRoundTripExactly() throws {
        var random = SeededGenerator(seed: 0x6C61_6265_6C73)
        let decoder = LabelDecoder()
        for _ in 0..<Self.cases {
            let label = random.label()
            let bytes = label.jsonBytes
            let decoded = try decoder.decode(bytes)
            #expect(decoded == label)
            #expect(decoded.jsonBytes == bytes)
        }
    }

    @Test func canonicalTransactionEncoding() {
        let transaction = Transaction(
            id: "tx \"1\"\n\u{1}é😀", timestamp: EventTime(millisecondsSinceEpoch: 1_767_261_600_500), type: .cashOut,
            amount: 1e20, accountFrom: "C\\1", oldBalanceFrom: -0.0, newBalanceFrom: 0.1,
            accountTo: "M2", oldBalanceTo: .leastNonzeroMagnitude, newBalanceTo: 100)
        let expected = #"""
            {"id":"tx \"1\"\n\u0001é😀","timestamp":"2026-01-01T10:00:00.500Z","type":"CASH_OUT",\#
            "amount":1e+20,"account_from":"C\\1","old_balance_from":-0.0,"new_balance_from":0.1,\#
            "account_to":"M2","old_balance_to":5e-324,"new_balance_to":100.0}
            """#
        #expect(String(decoding: transaction.jsonBytes, as: UTF8.self) == expected)
    }

    @Test func encodeAppendsToExistingBuffer() {
        var buffer = Array("prefix:".utf8)
        Fixtures.transactionValue.encode(into: &buffer)
        #expect(buffer == Array("prefix:".utf8) + Fixtures.transactionValue.jsonBytes)
    }

    @Test func canonicalLabelEncoding() {
        let time = EventTime(millisecondsSinceEpoch: 0)
        let unknown = Label(id: "tx-1", isFraud: false, labeledAt: time)
        #expect(String(decoding: unknown.jsonBytes, as: UTF8.self)
            == #"{"id":"tx-1","is_fraud":false,"fraud_type":null,"labeled_at":"1970-01-01T00:00:00.000Z"}"#)
        let known = Label(id: "tx-2", isFraud: true, fraudType: "test_then_drain", labeledAt: time)
        #expect(String(decoding: known.jsonBytes, as: UTF8.self)
            == #"{"id":"tx-2","is_fraud":true,"fraud_type":"test_then_drain","labeled_at":"1970-01-01T00:00:00.000Z"}"#)
    }
}
