/// A PostgreSQL data type, identified by its OID in `pg_type`.
///
/// Only the built-in types this module encodes or decodes have names here; any other OID can be
/// created with ``init(rawValue:)``. The array types of the named types are known too, so that
/// ``PostgresArray`` can read their elements and messages can name them (`double precision[]`).
public struct PostgresDataType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The type's OID.
    public var rawValue: UInt32

    /// Creates a type from its OID.
    /// - Parameter rawValue: The OID, as in `pg_type.oid`.
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// No type given: the server infers the parameter's type from the statement.
    public static let unknown = PostgresDataType(rawValue: 0)
    /// `boolean`
    public static let bool = PostgresDataType(rawValue: 16)
    /// `bytea`
    public static let bytea = PostgresDataType(rawValue: 17)
    /// `"char"`, the one-byte internal type.
    public static let char = PostgresDataType(rawValue: 18)
    /// `name`, the type of identifiers in the system catalogs.
    public static let name = PostgresDataType(rawValue: 19)
    /// `bigint`
    public static let int8 = PostgresDataType(rawValue: 20)
    /// `smallint`
    public static let int2 = PostgresDataType(rawValue: 21)
    /// `integer`
    public static let int4 = PostgresDataType(rawValue: 23)
    /// `text`
    public static let text = PostgresDataType(rawValue: 25)
    /// `oid`
    public static let oid = PostgresDataType(rawValue: 26)
    /// `json`
    public static let json = PostgresDataType(rawValue: 114)
    /// `real`
    public static let float4 = PostgresDataType(rawValue: 700)
    /// `double precision`
    public static let float8 = PostgresDataType(rawValue: 701)
    /// `character(n)`
    public static let bpchar = PostgresDataType(rawValue: 1042)
    /// `character varying(n)`
    public static let varchar = PostgresDataType(rawValue: 1043)
    /// `timestamp without time zone`
    public static let timestamp = PostgresDataType(rawValue: 1114)
    /// `timestamp with time zone`
    public static let timestamptz = PostgresDataType(rawValue: 1184)
    /// `numeric`
    public static let numeric = PostgresDataType(rawValue: 1700)
    /// `jsonb`
    public static let jsonb = PostgresDataType(rawValue: 3802)

    /// The type's SQL name for the types named here, else `oid <number>`.
    public var description: String {
        switch self {
        case .unknown: "unknown"
        case .bool: "boolean"
        case .bytea: "bytea"
        case .char: "\"char\""
        case .name: "name"
        case .int8: "bigint"
        case .int2: "smallint"
        case .int4: "integer"
        case .text: "text"
        case .oid: "oid"
        case .json: "json"
        case .float4: "real"
        case .float8: "double precision"
        case .bpchar: "character"
        case .varchar: "character varying"
        case .timestamp: "timestamp without time zone"
        case .timestamptz: "timestamp with time zone"
        case .numeric: "numeric"
        case .jsonb: "jsonb"
        default: arrayElementType.map { "\($0)[]" } ?? "oid \(rawValue)"
        }
    }

    /// The element type when this is the array type of one of the types named here, such as
    /// ``float8`` for `double precision[]`; `nil` otherwise.
    var arrayElementType: PostgresDataType? {
        Self.arrayElementTypes[rawValue].map(PostgresDataType.init(rawValue:))
    }

    /// Array type OID to element type OID, as in `pg_type.typelem` (checked against the server by
    /// the tests).
    private static let arrayElementTypes: [UInt32: UInt32] = [
        1000: 16, 1001: 17, 1002: 18, 1003: 19, 1016: 20, 1005: 21, 1007: 23, 1009: 25, 1028: 26,
        199: 114, 1021: 700, 1022: 701, 1014: 1042, 1015: 1043, 1115: 1114, 1185: 1184, 1231: 1700,
        3807: 3802,
    ]
}
