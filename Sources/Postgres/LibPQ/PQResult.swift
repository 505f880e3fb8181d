import CLibPQ

/// Owns one `PGresult` and frees it when the last reference goes away.
///
/// A `PGresult` is read-only once libpq has built it, and libpq documents that it may then be
/// read from any thread, so sharing it between tasks is safe.
final class PQResult: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        PQclear(pointer)
    }

    var rowCount: Int { Int(PQntuples(pointer)) }

    var columnCount: Int { Int(PQnfields(pointer)) }

    /// The command tag, such as `INSERT 0 3` or `SELECT 10`.
    var commandTag: String { String(cString: PQcmdStatus(pointer)) }

    /// The rows a command touched, from the command tag; 0 when the command reports none.
    var affectedRows: Int { Int(String(cString: PQcmdTuples(pointer))) ?? 0 }

    func columnName(_ column: Int) -> String {
        String(cString: PQfname(pointer, Int32(column)))
    }

    func columnType(_ column: Int) -> PostgresDataType {
        PostgresDataType(rawValue: PQftype(pointer, Int32(column)))
    }

    func isNull(row: Int, column: Int) -> Bool {
        PQgetisnull(pointer, Int32(row), Int32(column)) == 1
    }

    /// The value's text representation (results are always requested in text format).
    func text(row: Int, column: Int) -> String {
        String(cString: PQgetvalue(pointer, Int32(row), Int32(column)))
    }
}
