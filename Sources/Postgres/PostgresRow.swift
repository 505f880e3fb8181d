/// One row of ``PostgresRows``.
public struct PostgresRow: Sendable {
    private let rows: PostgresRows
    private let index: Int

    init(rows: PostgresRows, index: Int) {
        self.rows = rows
        self.index = index
    }

    /// The value in a column, converted to `Value`.
    ///
    /// Read a nullable column as an optional (`row[1, as: String?.self]`); reading SQL `NULL` as a
    /// non-optional type throws.
    /// - Parameters:
    ///   - column: The column's index, from 0.
    ///   - type: The Swift type to read the value as.
    /// - Throws: ``PostgresError/Code/typeMismatch`` if the column does not exist, is `NULL` for a
    ///   non-optional type, or holds a type that cannot be read as `Value`.
    public subscript<Value: PostgresDecodable>(_ column: Int, as type: Value.Type) -> Value {
        get throws { try rows.decode(type, row: index, column: column) }
    }

    /// The value in the column named `column`, converted to `Value`.
    /// - Parameters:
    ///   - column: The column's name, as the query labels it.
    ///   - type: The Swift type to read the value as.
    /// - Throws: ``PostgresError/Code/typeMismatch`` as ``subscript(_:as:)-(Int,_)`` does, or if
    ///   no column has that name.
    public subscript<Value: PostgresDecodable>(_ column: String, as type: Value.Type) -> Value {
        get throws { try rows.decode(type, row: index, column: rows.columnIndex(named: column)) }
    }
}
