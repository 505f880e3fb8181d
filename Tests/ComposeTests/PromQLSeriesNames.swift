/// The series (metric) names a PromQL expression selects, found by a small lexer: string
/// literals, label matchers `{…}`, ranges and subqueries `[…]`, and the label lists of
/// `by`, `without`, `on`, `ignoring`, `group_left` and `group_right` are removed; of the
/// identifiers left, function names (followed by `(`), keywords and aggregation operators are
/// not series.
enum PromQLSeriesNames {
    /// Words that are operators or modifiers, never series names.
    static let keywords: Set<String> = [
        "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset",
        "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values", "group",
        "inf", "nan",
    ]

    /// The series names in `expression`, in order of appearance, without repeats.
    static func names(in expression: String) -> [String] {
        var text = expression.replacing(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/) { _ in "\"\"" }
        text = text.replacing(/\{[^}]*\}/) { _ in " " }
        text = text.replacing(/\[[^\]]*\]/) { _ in " " }
        text = text.replacing(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/) { _ in " " }
        var names: [String] = []
        for match in text.matches(of: /[A-Za-z_:][A-Za-z0-9_:]*/) {
            let word = String(match.output)
            let after = text[match.range.upperBound...].drop(while: { $0 == " " || $0 == "\n" || $0 == "\t" })
            if after.first == "(" || keywords.contains(word.lowercased()) { continue }
            // A number's exponent (1e3) or a duration suffix never starts an identifier here:
            // they follow a digit.
            if match.range.lowerBound > text.startIndex, text[text.index(before: match.range.lowerBound)].isNumber { continue }
            if !names.contains(word) { names.append(word) }
        }
        return names
    }
}
