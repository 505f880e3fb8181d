import Foundation

/// Encodes rows in PostgreSQL's binary COPY format into a reusable byte buffer.
///
/// The buffer starts with the format's header. For each row, call ``beginRow(fieldCount:)`` and
/// then append exactly that many fields, in column order, each with the method for the column's
/// type (a mismatch is rejected by the server with SQLSTATE `22P03`). Hand ``buffer`` to
/// ``PostgresCopyWriter/write(_:)-([UInt8])`` whenever it is large enough, then ``removeAll()``;
/// after the last row, ``finish()`` adds the trailer. Appending writes straight into the buffer,
/// so once its capacity has grown to a chunk's size, encoding allocates nothing.
///
/// ```swift
/// var encoder = PostgresBinaryCopyEncoder()
/// encoder.beginRow(fieldCount: 3)
/// encoder.append(Int64(42))                  // bigint
/// encoder.append("Alice")                    // text
/// encoder.appendNull()                       // any type
/// encoder.finish()
/// try await writer.write(encoder.buffer)
/// ```
public struct PostgresBinaryCopyEncoder: Sendable {
    private static let signature: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00]
    /// Microseconds between 1970-01-01 and 2000-01-01, PostgreSQL's timestamp epoch.
    private static let unixToPostgresMicroseconds: Int64 = 946_684_800_000_000

    /// The encoded bytes not yet handed to the writer.
    public private(set) var buffer: [UInt8] = []

    /// Creates an encoder whose buffer holds the COPY header.
    /// - Parameter capacity: The buffer's initial capacity in bytes; about one chunk's size.
    public init(capacity: Int = 64 * 1024) {
        buffer.reserveCapacity(capacity)
        appendHeader()
    }

    /// Empties the buffer, keeping its capacity, after its bytes were written.
    public mutating func removeAll() {
        buffer.removeAll(keepingCapacity: true)
    }

    /// Empties the buffer and writes a new header, to encode another COPY with the same buffer.
    public mutating func reset() {
        removeAll()
        appendHeader()
    }

    /// Appends the trailer that ends the data; write the buffer once more afterwards.
    public mutating func finish() {
        buffer.appendBigEndian(Int16(-1))
    }

    /// Starts a row.
    /// - Parameter fieldCount: The number of fields that follow; must equal the COPY's column count.
    public mutating func beginRow(fieldCount: Int16) {
        buffer.appendBigEndian(fieldCount)
    }

    /// Appends SQL `NULL`, for a column of any type.
    public mutating func appendNull() {
        buffer.appendBigEndian(Int32(-1))
    }

    /// Appends a `smallint` field.
    /// - Parameter value: The value.
    public mutating func append(_ value: Int16) {
        appendFixedWidth(value)
    }

    /// Appends an `integer` field.
    /// - Parameter value: The value.
    public mutating func append(_ value: Int32) {
        appendFixedWidth(value)
    }

    /// Appends a `bigint` field.
    /// - Parameter value: The value.
    public mutating func append(_ value: Int64) {
        appendFixedWidth(value)
    }

    /// Appends a `double precision` field.
    /// - Parameter value: The value; NaN and the infinities are kept.
    public mutating func append(_ value: Double) {
        appendFixedWidth(value.bitPattern)
    }

    /// Appends a `boolean` field.
    /// - Parameter value: The value.
    public mutating func append(_ value: Bool) {
        buffer.appendBigEndian(Int32(1))
        buffer.append(value ? 1 : 0)
    }

    /// Appends a `text` or `varchar` field.
    /// - Parameter value: The text; it must not contain NUL characters, which PostgreSQL rejects.
    public mutating func append(_ value: String) {
        let utf8 = value.utf8
        buffer.appendBigEndian(Int32(utf8.count))
        buffer.append(contentsOf: utf8)
    }

    /// Appends a `bytea` field.
    /// - Parameter bytes: The bytes, stored unchanged.
    public mutating func appendBytes(_ bytes: some Collection<UInt8>) {
        buffer.appendBigEndian(Int32(bytes.count))
        buffer.append(contentsOf: bytes)
    }

    /// Appends a `timestamp with time zone` field, with microsecond precision.
    /// - Parameter date: The instant.
    public mutating func appendTimestamp(_ date: Date) {
        appendFixedWidth(PostgresTimestamp.microsecondsSince2000(date))
    }

    /// Appends a `timestamp with time zone` field from microseconds since 1970-01-01 UTC, the
    /// exact (and cheapest) way when the time is already an integer.
    /// - Parameter microsecondsSince1970: The instant.
    public mutating func appendTimestamp(microsecondsSince1970: Int64) {
        appendFixedWidth(microsecondsSince1970 - Self.unixToPostgresMicroseconds)
    }

    /// Appends a `jsonb` field.
    /// - Parameter json: The document's JSON text; the server validates it.
    public mutating func appendJSONB(_ json: String) {
        let utf8 = json.utf8
        buffer.appendBigEndian(Int32(utf8.count + 1))
        buffer.append(1)  // jsonb binary format version
        buffer.append(contentsOf: utf8)
    }

    private mutating func appendFixedWidth<Value: FixedWidthInteger>(_ value: Value) {
        buffer.appendBigEndian(Int32(MemoryLayout<Value>.size))
        buffer.appendBigEndian(value)
    }

    private mutating func appendHeader() {
        buffer.append(contentsOf: Self.signature)
        buffer.appendBigEndian(Int32(0))  // flags: no OIDs
        buffer.appendBigEndian(Int32(0))  // header extension length
    }
}
