/// Decodes ``Label`` values from their JSON wire form, strictly and without Foundation.
///
/// It follows the same rules as ``TransactionDecoder``: one pass, unknown fields
/// ignored, the first problem reported as a ``WireDecodingError``. `fraud_type`
/// may be absent or `null`.
public struct LabelDecoder: Sendable {
    /// Messages larger than this many bytes are rejected before they are read.
    public var maxMessageBytes: Int

    /// Creates a decoder.
    /// - Parameter maxMessageBytes: The largest message accepted, in bytes.
    public init(maxMessageBytes: Int = TransactionDecoder.defaultMaxMessageBytes) {
        self.maxMessageBytes = maxMessageBytes
    }

    /// Decodes one label from the UTF-8 JSON bytes of a message.
    ///
    /// - Parameter message: The whole message; it is read only during this call.
    /// - Throws: ``WireDecodingError`` saying what was wrong, if the message is not a valid label.
    public func decode(_ message: UnsafeRawBufferPointer) throws(WireDecodingError) -> Label {
        guard message.count <= maxMessageBytes else {
            throw .messageTooLarge(size: message.count, limit: maxMessageBytes)
        }
        var scanner = JSONScanner(message)
        try scanner.beginTopLevelObject()

        var problem: WireDecodingError?
        var seen: UInt8 = 0
        var id: String?
        var isFraud: Bool?
        var fraudType: String??
        var labeledAt: EventTime?

        var isFirst = true
        while let key = try scanner.nextMember(isFirst: &isFirst) {
            guard let field = scanner.withValueBytes(of: key, Field.init(named:)) else {
                try scanner.skipValue()
                continue
            }
            guard seen & field.bit == 0 else {
                problem.record(.duplicateField("\(field.name)"))
                try scanner.skipValue()
                continue
            }
            seen |= field.bit
            switch field {
            case .id: id = try scanner.readIdentifier(field.name, problem: &problem)
            case .isFraud: isFraud = try scanner.readBoolean(field.name, problem: &problem)
            case .fraudType: fraudType = try scanner.readOptionalString(field.name, problem: &problem)
            case .labeledAt: labeledAt = try scanner.readEventTime(field.name, problem: &problem)
            }
        }
        try scanner.finish()
        if let problem {
            throw problem
        }

        guard let id else { throw Field.id.missing }
        guard let isFraud else { throw Field.isFraud.missing }
        guard let labeledAt else { throw Field.labeledAt.missing }
        return Label(id: id, isFraud: isFraud, fraudType: fraudType ?? nil, labeledAt: labeledAt)
    }

    /// Decodes one label from the UTF-8 JSON bytes of a message.
    ///
    /// - Parameter message: The whole message.
    /// - Throws: ``WireDecodingError`` saying what was wrong, if the message is not a valid label.
    public func decode(_ message: [UInt8]) throws(WireDecodingError) -> Label {
        try message.withUnsafeBytes { bytes in
            Result { () throws(WireDecodingError) in try decode(bytes) }
        }.get()
    }

    /// The wire fields, in canonical order.
    private enum Field: Int {
        case id, isFraud, fraudType, labeledAt

        static let required: [Field] = [.id, .isFraud, .labeledAt]

        init?(named name: UnsafeRawBufferPointer) {
            switch name.count {
            case 2 where name.holds("id"): self = .id
            case 8 where name.holds("is_fraud"): self = .isFraud
            case 10 where name.holds("fraud_type"): self = .fraudType
            case 10 where name.holds("labeled_at"): self = .labeledAt
            default: return nil
            }
        }

        var name: StaticString {
            switch self {
            case .id: "id"
            case .isFraud: "is_fraud"
            case .fraudType: "fraud_type"
            case .labeledAt: "labeled_at"
            }
        }

        var bit: UInt8 {
            1 << rawValue
        }

        var missing: WireDecodingError {
            .missingField("\(name)", required: Self.required.map { "\($0.name)" })
        }
    }
}
