/// Decodes ``Transaction`` values from their JSON wire form, strictly and without Foundation.
///
/// A decoder holds only its configuration, so one value can decode any number of
/// messages, from any thread. Decoding makes one pass over the bytes and allocates
/// nothing but the strings of the result, and not even those when they are 15 UTF-8
/// bytes or shorter (Swift stores such strings inline).
///
/// What is accepted is described in `docs/wire-format.md`: the ten fields in any
/// order, unknown fields ignored (whatever they hold), JSON whitespace anywhere.
public struct TransactionDecoder: Sendable {
    /// The default limit on the size of one message: 64 KiB.
    public static let defaultMaxMessageBytes = 65_536

    /// Messages larger than this many bytes are rejected before they are read.
    public var maxMessageBytes: Int

    /// Creates a decoder.
    /// - Parameter maxMessageBytes: The largest message accepted, in bytes.
    public init(maxMessageBytes: Int = TransactionDecoder.defaultMaxMessageBytes) {
        self.maxMessageBytes = maxMessageBytes
    }

    /// Decodes one transaction from the UTF-8 JSON bytes of a message.
    ///
    /// - Parameter message: The whole message; it is read only during this call.
    /// - Throws: ``WireDecodingError`` saying what was wrong, if the message is not a valid transaction.
    public func decode(_ message: UnsafeRawBufferPointer) throws(WireDecodingError) -> Transaction {
        guard message.count <= maxMessageBytes else {
            throw .messageTooLarge(size: message.count, limit: maxMessageBytes)
        }
        var scanner = JSONScanner(message)
        try scanner.beginTopLevelObject()

        var problem: WireDecodingError?
        var seen: UInt16 = 0
        var id: String?
        var timestamp: EventTime?
        var type: TransactionType?
        var amount: Double?
        var accountFrom: String?
        var oldBalanceFrom: Double?
        var newBalanceFrom: Double?
        var accountTo: String?
        var oldBalanceTo: Double?
        var newBalanceTo: Double?

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
            case .timestamp: timestamp = try scanner.readEventTime(field.name, problem: &problem)
            case .type: type = try scanner.readTransactionType(problem: &problem)
            case .amount: amount = try scanner.readFiniteNumber(field.name, nonNegative: true, problem: &problem)
            case .accountFrom: accountFrom = try scanner.readIdentifier(field.name, problem: &problem)
            case .oldBalanceFrom: oldBalanceFrom = try scanner.readFiniteNumber(field.name, problem: &problem)
            case .newBalanceFrom: newBalanceFrom = try scanner.readFiniteNumber(field.name, problem: &problem)
            case .accountTo: accountTo = try scanner.readIdentifier(field.name, problem: &problem)
            case .oldBalanceTo: oldBalanceTo = try scanner.readFiniteNumber(field.name, problem: &problem)
            case .newBalanceTo: newBalanceTo = try scanner.readFiniteNumber(field.name, problem: &problem)
            }
        }
        try scanner.finish()
        if let problem {
            throw problem
        }

        guard let id else { throw Field.id.missing }
        guard let timestamp else { throw Field.timestamp.missing }
        guard let type else { throw Field.type.missing }
        guard let amount else { throw Field.amount.missing }
        guard let accountFrom else { throw Field.accountFrom.missing }
        guard let oldBalanceFrom else { throw Field.oldBalanceFrom.missing }
        guard let newBalanceFrom else { throw Field.newBalanceFrom.missing }
        guard let accountTo else { throw Field.accountTo.missing }
        guard let oldBalanceTo else { throw Field.oldBalanceTo.missing }
        guard let newBalanceTo else { throw Field.newBalanceTo.missing }
        return Transaction(
            id: id, timestamp: timestamp, type: type, amount: amount,
            accountFrom: accountFrom, oldBalanceFrom: oldBalanceFrom, newBalanceFrom: newBalanceFrom,
            accountTo: accountTo, oldBalanceTo: oldBalanceTo, newBalanceTo: newBalanceTo)
    }

    /// Decodes one transaction from the UTF-8 JSON bytes of a message.
    ///
    /// - Parameter message: The whole message.
    /// - Throws: ``WireDecodingError`` saying what was wrong, if the message is not a valid transaction.
    public func decode(_ message: [UInt8]) throws(WireDecodingError) -> Transaction {
        try message.withUnsafeBytes { bytes in
            Result { () throws(WireDecodingError) in try decode(bytes) }
        }.get()
    }

    /// The wire fields, in canonical order.
    private enum Field: Int, CaseIterable {
        case id, timestamp, type, amount, accountFrom, oldBalanceFrom, newBalanceFrom
        case accountTo, oldBalanceTo, newBalanceTo

        init?(named name: UnsafeRawBufferPointer) {
            // Dispatch on length first: most unknown names fail there.
            let candidate: Field
            switch name.count {
            case 2: candidate = .id
            case 4: candidate = .type
            case 6: candidate = .amount
            case 9: candidate = .timestamp
            case 10: candidate = .accountTo
            case 12: candidate = .accountFrom
            case 14: candidate = name[0] == UInt8(ascii: "o") ? .oldBalanceTo : .newBalanceTo
            case 16: candidate = name[0] == UInt8(ascii: "o") ? .oldBalanceFrom : .newBalanceFrom
            default: return nil
            }
            guard name.holds(candidate.name) else { return nil }
            self = candidate
        }

        var name: StaticString {
            switch self {
            case .id: "id"
            case .timestamp: "timestamp"
            case .type: "type"
            case .amount: "amount"
            case .accountFrom: "account_from"
            case .oldBalanceFrom: "old_balance_from"
            case .newBalanceFrom: "new_balance_from"
            case .accountTo: "account_to"
            case .oldBalanceTo: "old_balance_to"
            case .newBalanceTo: "new_balance_to"
            }
        }

        var bit: UInt16 {
            1 << rawValue
        }

        var missing: WireDecodingError {
            .missingField("\(name)", required: Self.allCases.map { "\($0.name)" })
        }
    }
}

extension JSONScanner {
    /// Reads a transaction type: one of the exact upper-case names.
    fileprivate mutating func readTransactionType(
        problem: inout WireDecodingError?
    ) throws(WireDecodingError) -> TransactionType? {
        guard try peekValue() == UInt8(ascii: "\"") else {
            let found = try describeAndSkipValue()
            problem.record(.wrongType("type", expected: "a string", found: found))
            return nil
        }
        let token = try readString()
        let type = withValueBytes(of: token) { name -> TransactionType? in
            switch name.count {
            case 5 where name.holds("DEBIT"): .debit
            case 7 where name.holds("PAYMENT"): .payment
            case 7 where name.holds("CASH_IN"): .cashIn
            case 8 where name.holds("TRANSFER"): .transfer
            case 8 where name.holds("CASH_OUT"): .cashOut
            default: nil
            }
        }
        guard let type else {
            problem.record(.unknownTransactionType(string(token)))
            return nil
        }
        return type
    }
}
