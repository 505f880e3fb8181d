import Foundation

/// A statement parameter: a Swift value together with the PostgreSQL type it is sent as.
///
/// Numbers, booleans, `bytea` and timestamps travel in PostgreSQL's binary format, so they arrive
/// exactly. Strings travel as text with no declared type unless one is given, so the server infers
/// the type from the statement: a string can fill a `text`, `uuid`, `numeric`, `date` or `jsonb`
/// parameter. Pass `nil` in the parameter array for SQL `NULL`.
///
/// ```swift
/// try await connection.query(
///     "SELECT * FROM accounts WHERE id = $1 AND created > $2 AND note = $3",
///     [.int64(id), .timestamp(since), "vip"]
/// )
/// ```
public struct PostgresValue: Sendable, Hashable {
    enum Storage: Sendable, Hashable {
        case int16(Int16)
        case int32(Int32)
        case int64(Int64)
        case double(Double)
        case bool(Bool)
        case text(String, PostgresDataType)
        case bytes([UInt8])
        /// Microseconds since 2000-01-01 00:00:00 UTC, PostgreSQL's own timestamp representation.
        case timestamp(Int64)
    }

    let storage: Storage

    private init(_ storage: Storage) {
        self.storage = storage
    }

    /// A `smallint`.
    /// - Parameter value: The number.
    public static func int16(_ value: Int16) -> PostgresValue { PostgresValue(.int16(value)) }
    /// An `integer`.
    /// - Parameter value: The number.
    public static func int32(_ value: Int32) -> PostgresValue { PostgresValue(.int32(value)) }
    /// A `bigint`.
    /// - Parameter value: The number.
    public static func int64(_ value: Int64) -> PostgresValue { PostgresValue(.int64(value)) }
    /// A `bigint` from an `Int`.
    /// - Parameter value: The number.
    public static func int(_ value: Int) -> PostgresValue { PostgresValue(.int64(Int64(value))) }
    /// A `double precision`.
    /// - Parameter value: The number; NaN and infinities are sent as such.
    public static func double(_ value: Double) -> PostgresValue { PostgresValue(.double(value)) }
    /// A `boolean`.
    /// - Parameter value: The truth value.
    public static func bool(_ value: Bool) -> PostgresValue { PostgresValue(.bool(value)) }
    /// A `bytea`.
    /// - Parameter bytes: The bytes, sent unchanged.
    public static func bytea(_ bytes: [UInt8]) -> PostgresValue { PostgresValue(.bytes(bytes)) }
    /// A `timestamp with time zone`, with microsecond precision.
    /// - Parameter date: The instant.
    public static func timestamp(_ date: Date) -> PostgresValue {
        PostgresValue(.timestamp(PostgresTimestamp.microsecondsSince2000(date)))
    }
    /// A `jsonb` document.
    /// - Parameter json: The document's JSON text; the server validates it.
    public static func jsonb(_ json: String) -> PostgresValue { PostgresValue(.text(json, .jsonb)) }

    /// A value in PostgreSQL's text format.
    /// - Parameters:
    ///   - text: The value as the type's input function reads it (`'42'`, `'2024-05-01'`...).
    ///   - type: The parameter's type; ``PostgresDataType/unknown`` (the default) lets the server
    ///     infer it from the statement.
    public static func text(_ text: String, as type: PostgresDataType = .unknown) -> PostgresValue {
        PostgresValue(.text(text, type))
    }

    /// The type the parameter is declared as (``PostgresDataType/unknown`` for untyped text).
    public var type: PostgresDataType {
        switch storage {
        case .int16: .int2
        case .int32: .int4
        case .int64: .int8
        case .double: .float8
        case .bool: .bool
        case .text(_, let type): type
        case .bytes: .bytea
        case .timestamp: .timestamptz
        }
    }
}

extension PostgresValue: ExpressibleByStringLiteral {
    /// An untyped text parameter, whose type the server infers.
    /// - Parameter value: The text.
    public init(stringLiteral value: String) {
        self.init(.text(value, .unknown))
    }
}

extension PostgresValue: ExpressibleByIntegerLiteral {
    /// A `bigint` parameter.
    /// - Parameter value: The number.
    public init(integerLiteral value: Int64) {
        self.init(.int64(value))
    }
}

extension PostgresValue: ExpressibleByFloatLiteral {
    /// A `double precision` parameter.
    /// - Parameter value: The number.
    public init(floatLiteral value: Double) {
        self.init(.double(value))
    }
}

extension PostgresValue: ExpressibleByBooleanLiteral {
    /// A `boolean` parameter.
    /// - Parameter value: The truth value.
    public init(booleanLiteral value: Bool) {
        self.init(.bool(value))
    }
}
