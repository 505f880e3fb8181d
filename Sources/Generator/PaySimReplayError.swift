/// A line of a PaySim CSV file that cannot be replayed: where it is and what was expected.
public struct PaySimReplayError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file, as given to `--replay`.
    public var path: String
    /// The 1-based line number.
    public var line: Int
    /// The 1-based column number, or `nil` when the whole line is wrong.
    public var column: Int?
    /// The column's name in the PaySim layout (`amount`), or `nil`.
    public var columnName: String?
    /// What was expected and what was found.
    public var problem: String

    /// Creates an error.
    public init(path: String, line: Int, column: Int? = nil, columnName: String? = nil, problem: String) {
        self.path = path
        self.line = line
        self.column = column
        self.columnName = columnName
        self.problem = problem
    }

    /// For example `paysim.csv line 7, column 3 (amount): expected a non-negative number, got "abc"`.
    public var description: String {
        var text = "\(path) line \(line)"
        if let column {
            text += ", column \(column)"
            if let columnName { text += " (\(columnName))" }
        }
        return text + ": " + problem
    }
}
