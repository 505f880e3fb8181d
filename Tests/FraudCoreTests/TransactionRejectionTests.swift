import Testing

@testable import FraudCore

/// Every way a transaction message can be rejected, each with the exact message a person reads.
@Suite struct TransactionRejectionTests {
    static let fieldRejections: [Rejection] = [
        Rejection(
            "missing field", Fixtures.transaction(replacing: #""amount":12.5,"#, with: ""), .missingField,
            field: "amount",
            #"missing field "amount"; required fields are \#(Fixtures.requiredTransactionFields)"#),
        Rejection(
            "missing last field", Fixtures.transaction(replacing: #","new_balance_to":12.5"#, with: ""),
            .missingField, field: "new_balance_to",
            #"missing field "new_balance_to"; required fields are \#(Fixtures.requiredTransactionFields)"#),
        Rejection(
            "number as string", Fixtures.transaction(replacing: "12.5", with: #""12.5""#), .wrongType,
            field: "amount", #"field "amount": expected a number, found a string "12.5""#),
        Rejection(
            "id as number", Fixtures.transaction(replacing: #""tx-1""#, with: "42"), .wrongType,
            field: "id", #"field "id": expected a string, found a number 42"#),
        Rejection(
            "timestamp as boolean",
            Fixtures.transaction(replacing: #""2026-01-01T12:00:00.123Z""#, with: "true"), .wrongType,
            field: "timestamp",
            #"field "timestamp": expected an RFC 3339 string or epoch milliseconds as an integer, found a boolean true"#
        ),
        Rejection(
            "account as null", Fixtures.transaction(replacing: #""M2""#, with: "null"), .wrongType,
            field: "account_to", #"field "account_to": expected a string, found null"#),
        Rejection(
            "balance as object", Fixtures.transaction(replacing: "100", with: #"{"value":100}"#), .wrongType,
            field: "old_balance_from", #"field "old_balance_from": expected a number, found an object"#),
        Rejection(
            "balance as array", Fixtures.transaction(replacing: "87.5", with: "[87.5]"), .wrongType,
            field: "new_balance_from", #"field "new_balance_from": expected a number, found an array"#),
        Rejection(
            "type as number", Fixtures.transaction(replacing: #""PAYMENT""#, with: "1"), .wrongType,
            field: "type", #"field "type": expected a string, found a number 1"#),
        Rejection(
            "long string shortened", Fixtures.transaction(replacing: "12.5", with: "\"\(String(repeating: "9", count: 50))\""),
            .wrongType, field: "amount",
            #"field "amount": expected a number, found a string "\#(String(repeating: "9", count: 40))…""#),
        Rejection(
            "unknown type", Fixtures.transaction(replacing: "PAYMENT", with: "REFUND"), .unknownTransactionType,
            field: "type",
            #"field "type": unknown transaction type "REFUND"; expected one of PAYMENT, TRANSFER, CASH_OUT, CASH_IN, DEBIT"#
        ),
        Rejection(
            "type in lower case", Fixtures.transaction(replacing: "PAYMENT", with: "payment"),
            .unknownTransactionType, field: "type",
            #"field "type": unknown transaction type "payment"; expected one of PAYMENT, TRANSFER, CASH_OUT, CASH_IN, DEBIT"#
        ),
        Rejection(
            "negative amount", Fixtures.transaction(replacing: "12.5", with: "-0.01"), .negativeAmount,
            field: "amount", #"field "amount": expected a non-negative number, found -0.01"#),
        Rejection(
            "overflowing amount", Fixtures.transaction(replacing: "12.5", with: "1e999"), .nonFiniteNumber,
            field: "amount",
            #"field "amount": 1e999 is too large for a 64-bit floating-point number; send a finite value"#),
        Rejection(
            "overflowing balance", Fixtures.transaction(replacing: "87.5", with: "-1.5E+400"), .nonFiniteNumber,
            field: "new_balance_from",
            #"field "new_balance_from": -1.5E+400 is too large for a 64-bit floating-point number; send a finite value"#
        ),
        Rejection(
            "empty account_from", Fixtures.transaction(replacing: #""C1""#, with: #""""#), .emptyField,
            field: "account_from", #"field "account_from": must not be an empty string"#),
        Rejection(
            "empty account_to", Fixtures.transaction(replacing: #""M2""#, with: #""""#), .emptyField,
            field: "account_to", #"field "account_to": must not be an empty string"#),
        Rejection(
            "empty id", Fixtures.transaction(replacing: #""tx-1""#, with: #""""#), .emptyField,
            field: "id", #"field "id": must not be an empty string"#),
        Rejection(
            "NUL character in id", Fixtures.transaction(replacing: #""tx-1""#, with: #""tx\u00001""#), .nulCharacter,
            field: "id", #"field "id": contains the NUL character (\u0000), which text cannot hold; remove it"#),
        Rejection(
            "account_to of 257 bytes", Fixtures.transaction(replacing: #""M2""#, with: "\"" + String(repeating: "M", count: 257) + "\""),
            .fieldTooLong, field: "account_to", #"field "account_to": 257 bytes long; string fields are at most 256 bytes"#),
        Rejection(
            "duplicate field", Fixtures.transaction(replacing: #""amount":12.5"#, with: #""amount":12.5,"amount":13"#),
            .duplicateField, field: "amount", #"field "amount" appears more than once; send each field once"#),
        Rejection(
            "duplicate field spelled with an escape",
            Fixtures.transaction(replacing: #""id":"tx-1""#, with: #""id":"tx-1","\u0069d":"tx-2""#),
            .duplicateField, field: "id", #"field "id" appears more than once; send each field once"#),
    ]

    static let timestampRejections: [Rejection] = [
        ("space instead of T", #""2026-01-01 12:00:00Z""#),
        ("no time zone", #""2026-01-01T12:00:00.123""#),
        ("date only", #""2026-01-01""#),
        ("30 February", #""2026-02-30T00:00:00Z""#),
        ("29 February in a common year", #""2100-02-29T00:00:00Z""#),
        ("leap second", #""2026-12-31T23:59:60Z""#),
        ("hour 24", #""2026-01-01T24:00:00Z""#),
        ("empty fraction", #""2026-01-01T12:00:00.Z""#),
        ("offset without colon", #""2026-01-01T12:00:00+0200""#),
        ("offset hour 24", #""2026-01-01T12:00:00+24:00""#),
        ("five-digit year", #""12026-01-01T12:00:00Z""#),
        ("before year 0000 after the offset", #""0000-01-01T00:30:00+01:00""#),
        ("trailing text", #""2026-01-01T12:00:00Zjunk""#),
        ("empty string", #""""#),
        ("fractional epoch", "1767268800123.5"),
        ("epoch with exponent", "1.7e12"),
        ("epoch beyond year 9999", "253402300800000"),
        ("epoch beyond Int64", "-9223372036854775809"),
    ].map { name, value in
        Rejection(
            "timestamp: \(name)",
            Fixtures.transaction(replacing: #""2026-01-01T12:00:00.123Z""#, with: value), .invalidTimestamp,
            field: "timestamp", #"field "timestamp": cannot read \#(value) as a time; \#(Fixtures.acceptedTimestamps)"#)
    }

    static let documentRejections: [Rejection] = [
        Rejection(
            "top level array", #"[{"id":"tx-1"}]"#, .notAnObject, byteOffset: 0,
            "expected a JSON object at the top level, found an array"),
        Rejection(
            "top level string", #"  "tx-1""#, .notAnObject, byteOffset: 0,
            "expected a JSON object at the top level, found a string"),
        Rejection(
            "top level number", "42", .notAnObject, byteOffset: 0,
            "expected a JSON object at the top level, found a number"),
        Rejection(
            "top level boolean", "true", .notAnObject, byteOffset: 0,
            "expected a JSON object at the top level, found a boolean"),
        Rejection(
            "top level null", "null", .notAnObject, byteOffset: 0,
            "expected a JSON object at the top level, found null"),
        Rejection(
            "a word that only starts like a literal", "not json", .malformedJSON, byteOffset: 0,
            "malformed JSON at byte offset 0: invalid literal; expected null"),
        Rejection(
            "invalid byte in a string", Array(#"{"id":"a"#.utf8) + [0xFF] + Array(#""}"#.utf8), .invalidUTF8,
            byteOffset: 8, "invalid UTF-8 at byte offset 8; the message must be UTF-8 encoded JSON"),
        Rejection(
            "overlong encoding", Array(#"{"id":""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8), .invalidUTF8,
            byteOffset: 7, "invalid UTF-8 at byte offset 7; the message must be UTF-8 encoded JSON"),
        Rejection(
            "encoded surrogate", Array(#"{"id":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8),
            .invalidUTF8, byteOffset: 7, "invalid UTF-8 at byte offset 7; the message must be UTF-8 encoded JSON"),
        Rejection(
            "cut multi-byte sequence", Array(#"{"x":""#.utf8) + [0xE2, 0x82] + Array(#""}"#.utf8), .invalidUTF8,
            byteOffset: 6, "invalid UTF-8 at byte offset 6; the message must be UTF-8 encoded JSON"),
        Rejection(
            "invalid byte outside strings", [UInt8(ascii: "{"), 0xFE, UInt8(ascii: "}")], .invalidUTF8,
            byteOffset: 1, "invalid UTF-8 at byte offset 1; the message must be UTF-8 encoded JSON"),
        Rejection(
            "empty message", "", .malformedJSON, byteOffset: 0,
            "malformed JSON at byte offset 0: the message is empty or only whitespace; expected a JSON object"),
        Rejection(
            "only whitespace", " \n\t", .malformedJSON, byteOffset: 3,
            "malformed JSON at byte offset 3: the message is empty or only whitespace; expected a JSON object"),
        Rejection(
            "not JSON", "id=tx-1", .malformedJSON, byteOffset: 0,
            "malformed JSON at byte offset 0: expected a JSON object, found 'i'"),
        Rejection(
            "truncated after a value", #"{"id":"tx-1""#, .malformedJSON, byteOffset: 12,
            "malformed JSON at byte offset 12: unexpected end of input, expected ',' or '}' after a field value; "
                + "the message may be truncated"),
        Rejection(
            "truncated inside a string", #"{"id":"tx"#, .malformedJSON, byteOffset: 9,
            "malformed JSON at byte offset 9: unexpected end of input inside a string; the message may be truncated"),
        Rejection(
            "truncated inside an unknown array", #"{"x":[1,2"#, .malformedJSON, byteOffset: 9,
            "malformed JSON at byte offset 9: unexpected end of input, expected ',' or ']' after an array element; "
                + "the message may be truncated"),
        Rejection(
            "trailing data", #"{"id":"tx-1"} {"#, .malformedJSON, byteOffset: 14,
            "malformed JSON at byte offset 14: expected the end of the message after the top-level object, found '{'"),
        Rejection(
            "missing colon", #"{"id" "tx-1"}"#, .malformedJSON, byteOffset: 6,
            #"malformed JSON at byte offset 6: expected ':' after a field name, found '"'"#),
        Rejection(
            "trailing comma", #"{"id":"tx-1",}"#, .malformedJSON, byteOffset: 13,
            "malformed JSON at byte offset 13: expected a field name in double quotes after ',', found '}'"),
        Rejection(
            "unquoted key", "{id:1}", .malformedJSON, byteOffset: 1,
            "malformed JSON at byte offset 1: expected a field name in double quotes or '}', found 'i'"),
        Rejection(
            "non-ASCII outside strings", "{é}", .malformedJSON, byteOffset: 1,
            "malformed JSON at byte offset 1: expected a field name in double quotes or '}', found 'é' (U+00E9)"),
        Rejection(
            "misspelled literal", #"{"x":tru}"#, .malformedJSON, byteOffset: 5,
            "malformed JSON at byte offset 5: invalid literal; expected true"),
        Rejection(
            "missing value", #"{"x":}"#, .malformedJSON, byteOffset: 5,
            "malformed JSON at byte offset 5: expected a value, found '}'"),
        Rejection(
            "bad escape", #"{"id":"a\qb"}"#, .malformedJSON, byteOffset: 8,
            #"malformed JSON at byte offset 8: invalid escape in a string; use one of \" \\ \/ \b \f \n \r \t \uXXXX"#),
        Rejection(
            "short unicode escape", #"{"id":"\u12"}"#, .malformedJSON, byteOffset: 7,
            #"malformed JSON at byte offset 7: \u must be followed by four hexadecimal digits"#),
        Rejection(
            "lone high surrogate", #"{"id":"\ud83dx"}"#, .malformedJSON, byteOffset: 7,
            #"malformed JSON at byte offset 7: \uD83D is a high surrogate without a low surrogate (\uDC00 to \uDFFF) "#
                + "after it; encode the character as a surrogate pair"),
        Rejection(
            "lone low surrogate", #"{"id":"\ude00"}"#, .malformedJSON, byteOffset: 7,
            #"malformed JSON at byte offset 7: \uDE00 is a low surrogate without a high surrogate before it; "#
                + "encode the character as a surrogate pair"),
        Rejection(
            "raw control character", "{\"id\":\"a\tb\"}", .malformedJSON, byteOffset: 8,
            #"malformed JSON at byte offset 8: the control character U+0009 must be escaped inside a string (e.g. \n or \u0000)"#
        ),
        Rejection(
            "leading zero", #"{"amount":012}"#, .malformedJSON, byteOffset: 10,
            "malformed JSON at byte offset 10: numbers must not have leading zeros"),
        Rejection(
            "no digit after the point", #"{"amount":1.}"#, .malformedJSON, byteOffset: 12,
            "malformed JSON at byte offset 12: expected a digit after '.', found '}'"),
        Rejection(
            "lone minus", #"{"amount":-}"#, .malformedJSON, byteOffset: 11,
            "malformed JSON at byte offset 11: expected a digit after '-', found '}'"),
        Rejection(
            "no digit in the exponent", #"{"amount":1e+}"#, .malformedJSON, byteOffset: 13,
            "malformed JSON at byte offset 13: expected a digit in the exponent, found '}'"),
        Rejection(
            "nesting too deep", #"{"x":"# + String(repeating: "[", count: 65) + String(repeating: "]", count: 65) + "}",
            .malformedJSON, byteOffset: 69,
            "malformed JSON at byte offset 69: arrays and objects nest more than 64 levels deep"),
    ]

    @Test(arguments: fieldRejections + timestampRejections + documentRejections)
    func rejectsWithExactMessage(_ rejection: Rejection) {
        #expect(throws: rejection.expectedError) {
            try TransactionDecoder().decode(rejection.message)
        }
    }

    @Test func rejectsOversizedMessageBeforeReadingIt() throws {
        let message = Array(Fixtures.transaction.utf8)
        let decoder = TransactionDecoder(maxMessageBytes: 64)
        #expect(throws: WireDecodingError.messageTooLarge(size: message.count, limit: 64)) {
            try decoder.decode(message)
        }
        let error = try #require(throws: WireDecodingError.self) { try decoder.decode(message) }
        #expect(error.reason == .messageTooLarge)
        #expect(error.description == "message is \(message.count) bytes, larger than the limit of 64 bytes; "
            + "send a smaller message or raise maxMessageBytes")
    }

    @Test func defaultLimitIs64KiB() throws {
        // Pad a valid message with an unknown field to exactly the limit, then one byte over.
        let base = Fixtures.transaction.dropLast()  // without the closing brace
        let fillerLength = 65_536 - base.utf8.count - #","pad":""}"#.utf8.count
        let atLimit = Array((base + #","pad":""# + String(repeating: "x", count: fillerLength) + #""}"#).utf8)
        #expect(atLimit.count == TransactionDecoder.defaultMaxMessageBytes)
        #expect(try TransactionDecoder().decode(atLimit) == Fixtures.transactionValue)

        let overLimit = Array(atLimit.dropLast()) + Array(" }".utf8)
        let error = try #require(throws: WireDecodingError.self) { try TransactionDecoder().decode(overLimit) }
        #expect(error.reason == .messageTooLarge)
        #expect(error.description.hasPrefix("message is 65537 bytes, larger than the limit of 65536 bytes"))
    }

    @Test func syntaxErrorsTakePrecedenceOverFieldErrors() throws {
        let message = Array(#"{"amount":-1,"id":"tx-1""#.utf8)
        let error = try #require(throws: WireDecodingError.self) { try TransactionDecoder().decode(message) }
        #expect(error.reason == .malformedJSON)
    }

    @Test func firstFieldErrorInDocumentOrderWins() throws {
        let message = Fixtures.transaction(replacing: #""id":"tx-1""#, with: #""type":"REFUND","id":"""#)
        let error = try #require(throws: WireDecodingError.self) { try TransactionDecoder().decode(message) }
        #expect(error.reason == .unknownTransactionType)
    }

    @Test func fieldErrorsTakePrecedenceOverMissingFields() throws {
        let message = Array(#"{"amount":-1}"#.utf8)
        let error = try #require(throws: WireDecodingError.self) { try TransactionDecoder().decode(message) }
        #expect(error.reason == .negativeAmount)
    }

    @Test func reasonCodesAreStable() {
        let codes: [WireDecodingError.Reason: String] = [
            .messageTooLarge: "message_too_large", .invalidUTF8: "invalid_utf8", .malformedJSON: "malformed_json",
            .notAnObject: "not_an_object", .missingField: "missing_field", .duplicateField: "duplicate_field",
            .wrongType: "wrong_type", .unknownTransactionType: "unknown_transaction_type",
            .negativeAmount: "negative_amount", .nonFiniteNumber: "non_finite_number", .emptyField: "empty_field",
            .invalidTimestamp: "invalid_timestamp", .nulCharacter: "nul_character", .fieldTooLong: "field_too_long",
        ]
        for (reason, code) in codes {
            #expect(reason.code == code)
            #expect(reason.description == code)
        }
    }
}
