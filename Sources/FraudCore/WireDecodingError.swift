/// Why a wire message (a JSON transaction or label) was rejected.
///
/// Every rejection carries a stable, machine-readable ``reason`` (stored by the
/// dead-letter path and safe to aggregate on) and a human ``description`` that
/// says which field was wrong, what was expected, what was found, and how to fix it.
/// ``field`` and ``byteOffset`` repeat the location in structured form when known.
///
/// When a message has several problems, the first one reported is, in order:
/// the size limit; then the first encoding or syntax problem (invalid UTF-8,
/// malformed JSON, a top level that is not an object); then the first field
/// problem in document order (wrong type, duplicate, invalid value); then the
/// first missing field in canonical field order.
public struct WireDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable category of a rejection.
    ///
    /// A struct over a private enum so that categories can be added without
    /// breaking exhaustive switches in client code. ``code`` is the stable
    /// string form stored alongside rejected messages.
    public struct Reason: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case messageTooLarge = "message_too_large"
            case invalidUTF8 = "invalid_utf8"
            case malformedJSON = "malformed_json"
            case notAnObject = "not_an_object"
            case missingField = "missing_field"
            case duplicateField = "duplicate_field"
            case wrongType = "wrong_type"
            case unknownTransactionType = "unknown_transaction_type"
            case negativeAmount = "negative_amount"
            case nonFiniteNumber = "non_finite_number"
            case emptyField = "empty_field"
            case invalidTimestamp = "invalid_timestamp"
            case nulCharacter = "nul_character"
            case fieldTooLong = "field_too_long"
            case timestampOutOfRange = "timestamp_out_of_range"
        }

        private let value: Value

        private init(_ value: Value) {
            self.value = value
        }

        /// The message is larger than the decoder's `maxMessageBytes`.
        public static let messageTooLarge = Reason(.messageTooLarge)
        /// The message is not valid UTF-8.
        public static let invalidUTF8 = Reason(.invalidUTF8)
        /// The message is not syntactically valid JSON (truncated, trailing data, bad escape, ...).
        public static let malformedJSON = Reason(.malformedJSON)
        /// The message is valid JSON but its top-level value is not an object.
        public static let notAnObject = Reason(.notAnObject)
        /// A required field is absent.
        public static let missingField = Reason(.missingField)
        /// A known field appears more than once in the same object.
        public static let duplicateField = Reason(.duplicateField)
        /// A field holds a JSON value of the wrong type (a string where a number belongs, ...).
        public static let wrongType = Reason(.wrongType)
        /// The `type` field is not one of the transaction types.
        public static let unknownTransactionType = Reason(.unknownTransactionType)
        /// The `amount` field is below zero.
        public static let negativeAmount = Reason(.negativeAmount)
        /// An amount or balance overflows a 64-bit floating-point number (e.g. `1e999`).
        public static let nonFiniteNumber = Reason(.nonFiniteNumber)
        /// An identifier field (`id`, `account_from`, `account_to`) is an empty string.
        public static let emptyField = Reason(.emptyField)
        /// A timestamp is neither RFC 3339 with an offset nor integer epoch milliseconds in range.
        public static let invalidTimestamp = Reason(.invalidTimestamp)
        /// A string field holds the NUL character (`\u0000`), which no text column can store.
        public static let nulCharacter = Reason(.nulCharacter)
        /// A string field is longer than ``WireDecodingError/maxTextBytes``.
        public static let fieldTooLong = Reason(.fieldTooLong)

        /// A timestamp is further ahead of the record's Kafka timestamp than the allowed clock
        /// skew: the sender's clock is wrong, and trusting it would drag event time forward.
        public static let timestampOutOfRange = Reason(.timestampOutOfRange)

        /// The stable snake_case code of this reason, for storage and metrics labels.
        public var code: String {
            value.rawValue
        }

        /// The same as ``code``.
        public var description: String {
            value.rawValue
        }
    }

    /// The category of the rejection.
    public let reason: Reason
    /// The JSON field the problem is in, when it concerns one field.
    public let field: String?
    /// The byte offset in the message where the problem was found, for encoding and syntax problems.
    public let byteOffset: Int?
    /// A message a person can act on: what was wrong, what was expected, what was found.
    public let description: String

    /// Creates an error; the decoders build these through the named factory functions.
    init(reason: Reason, field: String? = nil, byteOffset: Int? = nil, description: String) {
        self.reason = reason
        self.field = field
        self.byteOffset = byteOffset
        self.description = description
    }
}

extension WireDecodingError {
    static func messageTooLarge(size: Int, limit: Int) -> Self {
        Self(
            reason: .messageTooLarge,
            description: "message is \(size) bytes, larger than the limit of \(limit) bytes; "
                + "send a smaller message or raise maxMessageBytes"
        )
    }

    static func invalidUTF8(at offset: Int) -> Self {
        Self(
            reason: .invalidUTF8, byteOffset: offset,
            description: "invalid UTF-8 at byte offset \(offset); the message must be UTF-8 encoded JSON"
        )
    }

    static func malformedJSON(at offset: Int, _ problem: String) -> Self {
        Self(
            reason: .malformedJSON, byteOffset: offset,
            description: "malformed JSON at byte offset \(offset): \(problem)"
        )
    }

    static func notAnObject(found: String) -> Self {
        Self(
            reason: .notAnObject, byteOffset: 0,
            description: "expected a JSON object at the top level, found \(found)"
        )
    }

    static func missingField(_ field: String, required: [String]) -> Self {
        Self(
            reason: .missingField, field: field,
            description: "missing field \"\(field)\"; required fields are \(required.joined(separator: ", "))"
        )
    }

    static func duplicateField(_ field: String) -> Self {
        Self(
            reason: .duplicateField, field: field,
            description: "field \"\(field)\" appears more than once; send each field once"
        )
    }

    static func wrongType(_ field: String, expected: String, found: String) -> Self {
        Self(
            reason: .wrongType, field: field,
            description: "field \"\(field)\": expected \(expected), found \(found)"
        )
    }

    static func unknownTransactionType(_ found: String) -> Self {
        let valid = TransactionType.allCases.map(\.rawValue).joined(separator: ", ")
        return Self(
            reason: .unknownTransactionType, field: "type",
            description: "field \"type\": unknown transaction type \(quoted(found)); expected one of \(valid)"
        )
    }

    static func negativeAmount(_ literal: String) -> Self {
        Self(
            reason: .negativeAmount, field: "amount",
            description: "field \"amount\": expected a non-negative number, found \(literal)"
        )
    }

    static func nonFiniteNumber(_ field: String, literal: String) -> Self {
        Self(
            reason: .nonFiniteNumber, field: field,
            description: "field \"\(field)\": \(literal) is too large for a 64-bit floating-point number; "
                + "send a finite value"
        )
    }

    static func emptyField(_ field: String) -> Self {
        Self(
            reason: .emptyField, field: field,
            description: "field \"\(field)\": must not be an empty string"
        )
    }

    static func invalidTimestamp(_ field: String, found: String) -> Self {
        Self(
            reason: .invalidTimestamp, field: field,
            description: "field \"\(field)\": cannot read \(found) as a time; expected an RFC 3339 string "
                + "with a time zone between years 0000 and 9999 (e.g. \"2026-01-01T12:00:00.123Z\" or "
                + "\"2026-01-01T12:00:00+02:00\") or epoch milliseconds as a JSON integer"
        )
    }

    /// The longest string field, in UTF-8 bytes: identifiers are indexed in PostgreSQL, whose
    /// B-tree entries are limited to about 2,700 bytes.
    public static let maxTextBytes = 256

    static func nulCharacter(_ field: String) -> Self {
        Self(
            reason: .nulCharacter, field: field,
            description: "field \"\(field)\": contains the NUL character (\\u0000), which text cannot hold; remove it"
        )
    }

    static func fieldTooLong(_ field: String, bytes: Int) -> Self {
        Self(
            reason: .fieldTooLong, field: field,
            description: "field \"\(field)\": \(bytes) bytes long; string fields are at most \(maxTextBytes) bytes"
        )
    }

    /// Quotes a value for an error message, shortening it so that messages stay readable.
    static func quoted(_ value: String) -> String {
        let limit = 40
        var shown = String(value.unicodeScalars.prefix(limit))
        if value.unicodeScalars.count > limit {
            shown += "…"
        }
        return "\"" + shown.unicodeScalars.map { $0.escaped(asASCII: false) }.joined() + "\""
    }
}

extension WireDecodingError {
    /// `field` (milliseconds since the epoch) is more than `maxSkewMilliseconds` after the
    /// record's Kafka timestamp.
    public static func timestampOutOfRange(field: String, millisecondsSinceEpoch: Int64, recordTimestamp: Int64, maxSkewMilliseconds: Int64) -> Self {
        timestampOutOfRange(
            field: field, millisecondsSinceEpoch: millisecondsSinceEpoch, reference: "the record's Kafka timestamp",
            referenceMilliseconds: recordTimestamp, maxSkewMilliseconds: maxSkewMilliseconds)
    }

    /// `field` (milliseconds since the epoch) is more than `maxSkewMilliseconds` after a
    /// trusted clock, named by `reference` (such as "the record's Kafka timestamp").
    public static func timestampOutOfRange(
        field: String, millisecondsSinceEpoch: Int64, reference: String, referenceMilliseconds: Int64, maxSkewMilliseconds: Int64
    ) -> Self {
        let ahead = Double(millisecondsSinceEpoch - referenceMilliseconds) / 1000
        return Self(
            reason: .timestampOutOfRange, field: field,
            description: "\"\(field)\" \(EventTime(millisecondsSinceEpoch: millisecondsSinceEpoch)) is \(String(ahead)) s after \(reference) "
                + "\(EventTime(millisecondsSinceEpoch: referenceMilliseconds)), more than the allowed clock skew of \(maxSkewMilliseconds / 1000) s; "
                + "fix the sender's clock, or raise --max-clock-skew"
        )
    }
}
