extension Transaction {
    /// The canonical JSON wire form of this transaction, as UTF-8.
    ///
    /// Fields appear in the order `id`, `timestamp`, `type`, `amount`, `account_from`,
    /// `old_balance_from`, `new_balance_from`, `account_to`, `old_balance_to`,
    /// `new_balance_to`, with no whitespace; the timestamp is RFC 3339 in UTC with
    /// milliseconds, and numbers are the shortest text that reads back exactly.
    /// ``TransactionDecoder`` reads it back to an equal value when the value is valid
    /// (a non-negative amount and non-empty identifiers).
    ///
    /// - Precondition: The amount and balances are finite.
    public var jsonBytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        encode(into: &bytes)
        return bytes
    }

    /// Appends the canonical JSON wire form of this transaction (see ``jsonBytes``) to `buffer`.
    ///
    /// Appending lets a caller reuse one buffer for many messages.
    /// - Parameter buffer: The buffer to append to; its existing contents are kept.
    /// - Precondition: The amount and balances are finite.
    public func encode(into buffer: inout [UInt8]) {
        JSONWriter.appendRaw("{\"id\":", to: &buffer)
        JSONWriter.appendString(id, to: &buffer)
        JSONWriter.appendRaw(",\"timestamp\":", to: &buffer)
        JSONWriter.appendEventTime(timestamp, to: &buffer)
        JSONWriter.appendRaw(",\"type\":\"", to: &buffer)
        buffer.append(contentsOf: type.rawValue.utf8)
        JSONWriter.appendRaw("\",\"amount\":", to: &buffer)
        JSONWriter.appendNumber(amount, field: "amount", to: &buffer)
        JSONWriter.appendRaw(",\"account_from\":", to: &buffer)
        JSONWriter.appendString(accountFrom, to: &buffer)
        JSONWriter.appendRaw(",\"old_balance_from\":", to: &buffer)
        JSONWriter.appendNumber(oldBalanceFrom, field: "old_balance_from", to: &buffer)
        JSONWriter.appendRaw(",\"new_balance_from\":", to: &buffer)
        JSONWriter.appendNumber(newBalanceFrom, field: "new_balance_from", to: &buffer)
        JSONWriter.appendRaw(",\"account_to\":", to: &buffer)
        JSONWriter.appendString(accountTo, to: &buffer)
        JSONWriter.appendRaw(",\"old_balance_to\":", to: &buffer)
        JSONWriter.appendNumber(oldBalanceTo, field: "old_balance_to", to: &buffer)
        JSONWriter.appendRaw(",\"new_balance_to\":", to: &buffer)
        JSONWriter.appendNumber(newBalanceTo, field: "new_balance_to", to: &buffer)
        buffer.append(UInt8(ascii: "}"))
    }
}
