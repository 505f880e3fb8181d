/// The rows a query returned, in order.
///
/// The rows stay in libpq's result buffer, and each value is converted only when it is read with
/// ``PostgresRow/subscript(_:as:)-(Int,_)``. Values are safe to read from any task.
///
/// ```swift
/// let rows = try await connection.query("SELECT id, note FROM accounts WHERE id > $1", [100])
/// for row in rows {
///     let id = try row[0, as: Int64.self]
///     let note = try row["note", as: String?.self]
/// }
/// ```
public struct PostgresRows: RandomAccessCollection, Sendable {
    private let result: PQResult
    private let target: String

    /// The column names, in order.
    public let columnNames: [String]
    /// The columns' types, in order.
    public let columnTypes: [PostgresDataType]

    init(result: PQResult, target: String) {
        self.result = result
        self.target = target
        self.columnNames = (0..<result.columnCount).map(result.columnName)
        self.columnTypes = (0..<result.columnCount).map(result.columnType)
    }

    /// The command tag, such as `SELECT 3` or `INSERT 0 1` for `INSERT ... RETURNING`.
    public var commandTag: String { result.commandTag }

    /// The index of the first row: always 0.
    public var startIndex: Int { 0 }

    /// The number of rows.
    public var endIndex: Int { result.rowCount }

    /// The row at `position`.
    /// - Parameter position: A row index, from 0 to `count - 1`.
    public subscript(position: Int) -> PostgresRow {
        precondition(indices.contains(position), "row index \(position) is out of range 0..<\(count)")
        return PostgresRow(rows: self, index: position)
    }

    func columnIndex(named name: String) throws -> Int {
        guard let index = columnNames.firstIndex(of: name) else {
            throw PostgresError(
                .typeMismatch,
                message: "no column named \"\(name)\"; the result has \(columnNames.joined(separator: ", "))",
                target: target
            )
        }
        return index
    }

    func decode<Value: PostgresDecodable>(_: Value.Type, row: Int, column: Int) throws -> Value {
        guard columnNames.indices.contains(column) else {
            throw PostgresError(
                .typeMismatch,
                message: "column index \(column) is out of range: the result has \(columnNames.count) columns",
                target: target
            )
        }
        let type = columnTypes[column]
        if result.isNull(row: row, column: column) {
            guard let null = Value.postgresNull else {
                throw mismatch("is NULL; read it as \(Value.self)? to allow NULL", column: column)
            }
            return null
        }
        do {
            return try Value(postgresText: result.text(row: row, column: column), type: type)
        } catch let error as PostgresError {
            throw mismatch(error.message, column: column)
        }
    }

    private func mismatch(_ reason: String, column: Int) -> PostgresError {
        PostgresError(
            .typeMismatch,
            message: "column \(column) \"\(columnNames[column])\" (\(columnTypes[column])) \(reason)",
            target: target
        )
    }
}
