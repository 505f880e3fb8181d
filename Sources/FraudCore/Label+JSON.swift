extension Label {
    /// The canonical JSON wire form of this label, as UTF-8.
    ///
    /// Fields appear in the order `id`, `is_fraud`, `fraud_type`, `labeled_at`, with no
    /// whitespace; `fraud_type` is `null` when unknown, and the time is RFC 3339 in UTC
    /// with milliseconds. ``LabelDecoder`` reads it back to an equal value when the
    /// identifier is not empty.
    public var jsonBytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128)
        encode(into: &bytes)
        return bytes
    }

    /// Appends the canonical JSON wire form of this label (see ``jsonBytes``) to `buffer`.
    ///
    /// - Parameter buffer: The buffer to append to; its existing contents are kept.
    public func encode(into buffer: inout [UInt8]) {
        JSONWriter.appendRaw("{\"id\":", to: &buffer)
        JSONWriter.appendString(id, to: &buffer)
        if isFraud {
            JSONWriter.appendRaw(",\"is_fraud\":true,\"fraud_type\":", to: &buffer)
        } else {
            JSONWriter.appendRaw(",\"is_fraud\":false,\"fraud_type\":", to: &buffer)
        }
        if let fraudType {
            JSONWriter.appendString(fraudType, to: &buffer)
        } else {
            JSONWriter.appendRaw("null", to: &buffer)
        }
        JSONWriter.appendRaw(",\"labeled_at\":", to: &buffer)
        JSONWriter.appendEventTime(labeledAt, to: &buffer)
        buffer.append(UInt8(ascii: "}"))
    }
}
