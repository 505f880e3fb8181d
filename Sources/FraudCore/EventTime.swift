/// A point in event time: whole milliseconds since 1970-01-01T00:00:00Z (the Unix epoch).
///
/// Timestamps on the wire are read into this form: RFC 3339 strings with finer
/// fractions are truncated to the millisecond (toward the past), and epoch
/// milliseconds are taken as they are. The range is the years 0000 to 9999,
/// which is what RFC 3339 can write.
public struct EventTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The earliest representable time, 0000-01-01T00:00:00.000Z.
    public static let minimum = EventTime(millisecondsSinceEpoch: RFC3339.minimumMilliseconds)
    /// The latest representable time, 9999-12-31T23:59:59.999Z.
    public static let maximum = EventTime(millisecondsSinceEpoch: RFC3339.maximumMilliseconds)

    /// Milliseconds since the Unix epoch; negative before 1970.
    public let millisecondsSinceEpoch: Int64

    /// Creates a time from milliseconds since the Unix epoch.
    ///
    /// - Parameter millisecondsSinceEpoch: Between ``minimum`` and ``maximum`` inclusive.
    /// - Precondition: The value is in range, so that it can be written as RFC 3339.
    public init(millisecondsSinceEpoch: Int64) {
        precondition(
            RFC3339.millisecondRange.contains(millisecondsSinceEpoch),
            "EventTime(millisecondsSinceEpoch: \(millisecondsSinceEpoch)) is outside years 0000...9999"
        )
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    /// Reads an RFC 3339 date-time with a time zone, such as `2026-01-01T12:00:00.123+02:00`.
    ///
    /// Returns `nil` when the text is not of that form or is outside years 0000 to 9999.
    /// Fractions finer than a millisecond are truncated.
    /// - Parameter text: The date-time, without surrounding quotes.
    public init?(rfc3339 text: some StringProtocol) {
        var text = String(text)
        let parsed = text.withUTF8 { RFC3339.parse(UnsafeRawBufferPointer($0)) }
        guard let parsed else { return nil }
        self.millisecondsSinceEpoch = parsed
    }

    /// The canonical form: RFC 3339 in UTC with a millisecond fraction, e.g. `2026-01-01T10:00:00.500Z`.
    public var description: String {
        var bytes: [UInt8] = []
        RFC3339.format(millisecondsSinceEpoch, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Orders times from past to future.
    public static func < (lhs: EventTime, rhs: EventTime) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }
}
