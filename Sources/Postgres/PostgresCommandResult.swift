/// What a statement run with ``PostgresConnection/execute(_:_:)`` reports.
public struct PostgresCommandResult: Sendable, Hashable {
    /// The command tag, such as `INSERT 0 3`, `UPDATE 7` or `CREATE TABLE`.
    public var commandTag: String
    /// The rows the statement inserted, updated, deleted, selected or copied; 0 for statements
    /// that touch no rows.
    public var affectedRows: Int

    /// Creates a result.
    /// - Parameters:
    ///   - commandTag: The command tag.
    ///   - affectedRows: The number of rows affected.
    public init(commandTag: String, affectedRows: Int) {
        self.commandTag = commandTag
        self.affectedRows = affectedRows
    }
}
