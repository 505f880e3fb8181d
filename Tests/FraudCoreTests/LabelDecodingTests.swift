import Testing

@testable import FraudCore

@Suite struct LabelDecodingTests {
    @Test func decodesALabel() throws {
        let label = try LabelDecoder().decode(Array(Fixtures.label.utf8))
        #expect(label == Label(
            id: "tx-1", isFraud: true, fraudType: "account_takeover",
            labeledAt: EventTime(millisecondsSinceEpoch: 1_767_268_800_123)))
    }

    @Test(arguments: [
        #"{"id":"tx-1","is_fraud":false,"labeled_at":"2026-01-01T12:00:00Z"}"#,
        #"{"labeled_at":"2026-01-01T12:00:00Z","fraud_type":null,"is_fraud":false,"id":"tx-1"}"#,
    ])
    func fraudTypeMayBeAbsentOrNull(message: String) throws {
        let label = try LabelDecoder().decode(Array(message.utf8))
        #expect(label.fraudType == nil)
        #expect(label.isFraud == false)
    }

    @Test func decodesFromManyRandomSpellings() throws {
        var variants = WireVariants(random: SeededGenerator(seed: 0x6C76_6172))
        var random = SeededGenerator(seed: 7)
        for _ in 0..<2000 {
            let label = random.label()
            let message = variants.json(for: label)
            #expect(try LabelDecoder().decode(message) == label, "\(String(decoding: message, as: UTF8.self))")
        }
    }

    static let rejections: [Rejection] = [
        Rejection(
            "missing is_fraud", #"{"id":"tx-1","labeled_at":0}"#, .missingField, field: "is_fraud",
            #"missing field "is_fraud"; required fields are id, is_fraud, labeled_at"#),
        Rejection(
            "missing labeled_at", #"{"id":"tx-1","is_fraud":true,"fraud_type":"x"}"#, .missingField,
            field: "labeled_at", #"missing field "labeled_at"; required fields are id, is_fraud, labeled_at"#),
        Rejection(
            "is_fraud as string", #"{"id":"tx-1","is_fraud":"yes","labeled_at":0}"#, .wrongType, field: "is_fraud",
            #"field "is_fraud": expected a boolean, found a string "yes""#),
        Rejection(
            "is_fraud as number", #"{"id":"tx-1","is_fraud":1,"labeled_at":0}"#, .wrongType, field: "is_fraud",
            #"field "is_fraud": expected a boolean, found a number 1"#),
        Rejection(
            "fraud_type as boolean", #"{"id":"tx-1","is_fraud":true,"fraud_type":false,"labeled_at":0}"#,
            .wrongType, field: "fraud_type", #"field "fraud_type": expected a string or null, found a boolean false"#),
        Rejection(
            "empty id", #"{"id":"","is_fraud":true,"labeled_at":0}"#, .emptyField, field: "id",
            #"field "id": must not be an empty string"#),
        Rejection(
            "unparsable labeled_at", #"{"id":"tx-1","is_fraud":true,"labeled_at":"yesterday"}"#, .invalidTimestamp,
            field: "labeled_at", #"field "labeled_at": cannot read "yesterday" as a time; \#(Fixtures.acceptedTimestamps)"#),
        Rejection(
            "duplicate is_fraud", #"{"id":"tx-1","is_fraud":true,"is_fraud":false,"labeled_at":0}"#,
            .duplicateField, field: "is_fraud", #"field "is_fraud" appears more than once; send each field once"#),
        Rejection(
            "NUL in fraud_type", #"{"id":"tx-1","is_fraud":true,"fraud_type":"a\u0000b","labeled_at":0}"#, .nulCharacter,
            field: "fraud_type", #"field "fraud_type": contains the NUL character (\u0000), which text cannot hold; remove it"#),
        Rejection(
            "top level array", "[]", .notAnObject, byteOffset: 0, "expected a JSON object at the top level, found an array"),
    ]

    @Test(arguments: rejections)
    func rejectsWithExactMessage(_ rejection: Rejection) {
        #expect(throws: rejection.expectedError) {
            try LabelDecoder().decode(rejection.message)
        }
    }

    @Test func rejectsOversizedLabels() throws {
        let error = try #require(throws: WireDecodingError.self) {
            try LabelDecoder(maxMessageBytes: 10).decode(Array(Fixtures.label.utf8))
        }
        #expect(error == .messageTooLarge(size: Fixtures.label.utf8.count, limit: 10))
    }
}
