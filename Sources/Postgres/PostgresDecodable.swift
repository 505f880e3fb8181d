import Foundation

/// A Swift type that a column value can be read as, with ``PostgresRow/subscript(_:as:)-(Int,_)``.
///
/// Conforming types: `Int`, `Int64`, `Int32`, `Int16` (from `smallint`, `integer`, `bigint`
/// columns that fit), `Double` (`real`, `double precision`, `numeric`), `Bool`, `String` (any
/// column, in PostgreSQL's text format), `[UInt8]` (`bytea`), `Date` (`timestamp with time zone`,
/// and `timestamp` read as UTC, in the default `DateStyle` ISO), `Optional` of any of these,
/// which reads SQL `NULL` as `nil`, and ``PostgresArray`` of any of these for one-dimensional
/// array columns.
public protocol PostgresDecodable: Sendable {
    /// Reads a value from PostgreSQL's text format.
    /// - Parameters:
    ///   - text: The value as the server formatted it.
    ///   - type: The column's type.
    /// - Throws: A ``PostgresError`` whose message says why the value cannot be read; it must not
    ///   quote the value, which may be sensitive.
    init(postgresText text: String, type: PostgresDataType) throws

    /// The value that stands for SQL `NULL`, or nil if the type cannot represent `NULL`
    /// (the default).
    static var postgresNull: Self? { get }
}

extension PostgresDecodable {
    /// No value stands for `NULL`: reading `NULL` throws.
    public static var postgresNull: Self? { nil }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    /// Reads a non-`NULL` value as `Wrapped` does.
    /// - Parameters:
    ///   - text: The value as the server formatted it.
    ///   - type: The column's type.
    public init(postgresText text: String, type: PostgresDataType) throws {
        self = .some(try Wrapped(postgresText: text, type: type))
    }

    /// `NULL` is `nil`.
    public static var postgresNull: Self? { .some(nil) }
}

/// Parses integer columns, refusing other types and values that do not fit.
private func decodeInteger<Value: FixedWidthInteger>(_ text: String, _ type: PostgresDataType) throws -> Value {
    guard [.int2, .int4, .int8, .oid].contains(type) else { throw cannotRead(type, as: Value.self) }
    guard let value = Value(text) else {
        throw PostgresError(.typeMismatch, message: "holds a value that does not fit in \(Value.self)")
    }
    return value
}

private func cannotRead(_ type: PostgresDataType, as swiftType: Any.Type) -> PostgresError {
    PostgresError(.typeMismatch, message: "cannot be read as \(swiftType)")
}

extension Int64: PostgresDecodable {
    /// Reads `smallint`, `integer`, `bigint` and `oid` values.
    /// - Parameters:
    ///   - text: The value as the server formatted it.
    ///   - type: The column's type.
    public init(postgresText text: String, type: PostgresDataType) throws {
        self = try decodeInteger(text, type)
    }
}

extension Int: PostgresDecodable {
    /// Reads `smallint`, `integer`, `bigint` and `oid` values.
    /// - Parameters:
    ///   - text: The value as the server formatted it.
    ///   - type: The column's type.
    public init(postgresText text: String, type: PostgresDataType) throws {
        self = try decodeInteger(text, type)
    }
}

extension Int32: PostgresDecodable {
    /// Reads integer values that fit in 32 bits.
    /// - Parameters:
    ///   - text: The value as the server formatted it.
    ///   - type: The column's type.
    public init(postgresText text: String, type: PostgresDataType) throws {
        self = try decodeInteger(text, type)
    }
}

extension Int16: PostgresDecodable {
    /// Reads integer values that fit in 16 bits.
    /// - Parameters:
    ///   - text: The value as the server formatted it.
    ///   - type: The column's type.
    public init(postgresText text: String, type: PostgresDataType) throws {
        self = try decodeInteger(text, type)
    }
}

extension Double: PostgresDecodable {
    /// Reads `real`, `double precision` and `numeric` values (`numeric` may lose precision),
    /// including `NaN` and the infinities.
    /// - Parameters:
    ///   - text: The value as the server formatted it.
    ///   - type: The column's type.
    public init(postgresText text: String, type: PostgresDataType) throws {
        guard [.float4, .float8, .numeric].contains(type), let value = Double(text) else {
            throw cannotRead(type, as: Double.self)
        }
        self = value
    }
}

extension Bool: PostgresDecodable {
    /// Reads `boolean` values.
    /// - Parameters:
    ///   - text: The value as the server formatted it (`t` or `f`).
    ///   - type: The column's type.
    public init(postgresText text: String, type: PostgresDataType) throws {
        switch (type, text) {
        case (.bool, "t"): self = true
        case (.bool, "f"): self = false
        default: throw cannotRead(type, as: Bool.self)
        }
    }
}

extension String: PostgresDecodable {
    /// Reads any value, in PostgreSQL's text format.
    /// - Parameters:
    ///   - text: The value as the server formatted it.
    ///   - type: The column's type.
    public init(postgresText text: String, type: PostgresDataType) throws {
        self = text
    }
}

extension Array: PostgresDecodable where Element == UInt8 {
    /// Reads `bytea` values (in the default `bytea_output` hex format).
    /// - Parameters:
    ///   - text: The value as the server formatted it, `\x` and hex digits.
    ///   - type: The column's type.
    public init(postgresText text: String, type: PostgresDataType) throws {
        let hex = text.utf8
        guard type == .bytea, hex.starts(with: #"\x"#.utf8), hex.count % 2 == 0 else {
            throw cannotRead(type, as: [UInt8].self)
        }
        self.init()
        reserveCapacity(hex.count / 2 - 1)
        var high: UInt8?
        for character in hex.dropFirst(2) {
            guard let nibble = Self.nibble(character) else { throw cannotRead(type, as: [UInt8].self) }
            if let first = high {
                append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension Date: PostgresDecodable {
    /// Reads `timestamp with time zone` values, and `timestamp` values as UTC, with microsecond
    /// precision. Needs `DateStyle` ISO (PostgreSQL's default); `infinity` cannot be read.
    /// - Parameters:
    ///   - text: The value as the server formatted it.
    ///   - type: The column's type.
    public init(postgresText text: String, type: PostgresDataType) throws {
        guard type == .timestamptz || type == .timestamp, let date = PostgresTimestamp.parse(text) else {
            throw cannotRead(type, as: Date.self)
        }
        self = date
    }
}
