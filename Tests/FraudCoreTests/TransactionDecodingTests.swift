import Testing

@testable import FraudCore

/// What the decoder accepts beyond the canonical form, and the values it reads.
@Suite struct TransactionDecodingTests {
    @Test func decodesTheFixture() throws {
        #expect(try TransactionDecoder().decode(Array(Fixtures.transaction.utf8)) == Fixtures.transactionValue)
    }

    @Test func decodesFromARawBuffer() throws {
        let bytes = Array(Fixtures.transaction.utf8)
        let decoded = try bytes.withUnsafeBytes { buffer in
            Result { () throws(WireDecodingError) in try TransactionDecoder().decode(buffer) }
        }.get()
        #expect(decoded == Fixtures.transactionValue)
    }

    @Test func acceptsWhitespaceReorderingAndUnknownFields() throws {
        let message = """
            \r\n\t {  "new_balance_to" : 12.5 ,"extra": {"nested": [1, {"id": "no"}, [], "}"], "amount": "x"},
              "old_balance_to":0e0, "account_to":"M2","new_balance_from":8.75E1,"old_balance_from":1e2,
              "account_from":"C1","amount":1250e-2,"type":"PAYMENT","timestamp":1767268800123,"id":"tx-1",
              "flag": true, "none": null, "list": [-0.5e-3, false]
            } \n
            """
        #expect(try TransactionDecoder().decode(Array(message.utf8)) == Fixtures.transactionValue)
    }

    @Test(arguments: [
        ("2026-01-01T12:00:00.5+02:00", Int64(1_767_261_600_500)),
        ("2026-01-01T10:00:00.500Z", 1_767_261_600_500),
        ("2026-01-01t10:00:00.500z", 1_767_261_600_500),
        ("2026-01-01T10:00:00Z", 1_767_261_600_000),
        ("2026-01-01T05:30:00.5009-04:30", 1_767_261_600_500),
        ("2026-01-01T10:00:00.999999999Z", 1_767_261_600_999),
        ("2025-12-31T23:59:59.999-10:00", 1_767_261_599_999),
        ("1969-12-31T23:59:59.999Z", -1),
        ("2024-02-29T00:00:00-00:00", 1_709_164_800_000),
        ("0000-01-01T00:00:00Z", -62_167_219_200_000),
        ("9999-12-31T23:59:59.999Z", 253_402_300_799_999),
    ])
    func readsRFC3339Timestamps(text: String, milliseconds: Int64) throws {
        let message = Fixtures.transaction(replacing: "2026-01-01T12:00:00.123Z", with: text)
        #expect(try TransactionDecoder().decode(message).timestamp.millisecondsSinceEpoch == milliseconds)
    }

    @Test(arguments: [Int64(0), 1_767_261_600_500, -1, -62_167_219_200_000, 253_402_300_799_999])
    func readsEpochMilliseconds(milliseconds: Int64) throws {
        let message = Fixtures.transaction(replacing: #""2026-01-01T12:00:00.123Z""#, with: String(milliseconds))
        #expect(try TransactionDecoder().decode(message).timestamp.millisecondsSinceEpoch == milliseconds)
    }

    @Test func unescapesIdentifiers() throws {
        let message = Fixtures.transaction(
            replacing: #""tx-1""#, with: #""a\"b\\c\/d\b\f\n\r\t\u0041\u00e9\u20AC\ud83d\ude00é😀""#)
        #expect(try TransactionDecoder().decode(message).id == "a\"b\\c/d\u{8}\u{C}\n\r\tAé€😀é😀")
    }

    @Test func matchesFieldNamesWrittenWithEscapes() throws {
        let message = Fixtures.transaction(replacing: #""amount""#, with: #""\u0061mount""#)
        #expect(try TransactionDecoder().decode(message) == Fixtures.transactionValue)
    }

    @Test(arguments: [
        ("0", 0.0), ("-0", -0.0), ("-0.0", -0.0), ("1E2", 100), ("1e-2", 0.01), ("0.1", 0.1),
        ("123456789012345678901234567890", 1.2345678901234568e29), ("0.30000000000000004", 0.30000000000000004),
        ("4.9406564584124654e-324", .leastNonzeroMagnitude), ("1e-400", 0), ("-1e-400", -0.0),
        ("1.7976931348623157e308", .greatestFiniteMagnitude), ("9007199254740993", 9_007_199_254_740_992),
    ])
    func readsNumbersExactly(text: String, value: Double) throws {
        let message = Fixtures.transaction(replacing: #""new_balance_from":87.5"#, with: #""new_balance_from":\#(text)"#)
        let decoded = try TransactionDecoder().decode(message).newBalanceFrom
        #expect(decoded.bitPattern == value.bitPattern)
    }

    @Test func acceptsEveryTransactionType() throws {
        for type in TransactionType.allCases {
            let message = Fixtures.transaction(replacing: "PAYMENT", with: type.rawValue)
            #expect(try TransactionDecoder().decode(message).type == type)
        }
    }

    @Test func acceptsZeroAndNegativeBalances() throws {
        let message = Fixtures.transaction(replacing: #""amount":12.5"#, with: #""amount":0"#)
        #expect(try TransactionDecoder().decode(message).amount == 0)
        let overdraft = Fixtures.transaction(replacing: "87.5", with: "-12.5")
        #expect(try TransactionDecoder().decode(overdraft).newBalanceFrom == -12.5)
    }

    @Test func decodesFromManyRandomSpellings() throws {
        var variants = WireVariants(random: SeededGenerator(seed: 0x7661_7269_616E_7473))
        var random = SeededGenerator(seed: 42)
        let decoder = TransactionDecoder()
        for _ in 0..<2000 {
            let transaction = random.transaction()
            let message = variants.json(for: transaction)
            let decoded = try decoder.decode(message)
            #expect(decoded == transaction, "\(String(decoding: message, as: UTF8.self))")
            #expect(decoded.jsonBytes == transaction.jsonBytes)
        }
    }
}
