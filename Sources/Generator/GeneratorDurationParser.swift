/// Reads durations written on the command line: a number and a unit, as in `500ms`, `2s`,
/// `1.5s`, `5m` or `1h`.
public enum GeneratorDurationParser {
    /// Parses one duration.
    ///
    /// - Parameters:
    ///   - text: The text, such as `60s`.
    ///   - flag: The flag it came from, used in the error message (`--duration`).
    /// - Throws: ``GeneratorOptionsError`` naming the flag, the accepted forms and the text.
    public static func parse(_ text: String, flag: String) throws(GeneratorOptionsError) -> Duration {
        let trimmed = text.trimmingASCIIWhitespace()
        let unitStart = trimmed.firstIndex { !($0.isNumber || $0 == ".") } ?? trimmed.endIndex
        let number = trimmed[..<unitStart]
        let unit = trimmed[unitStart...]
        let scale: Double? = switch unit {
        case "ms": 0.001
        case "s": 1
        case "m", "min": 60
        case "h": 3600
        default: nil
        }
        guard let scale, let value = Double(number), value.isFinite, value >= 0 else {
            throw GeneratorOptionsError(
                "\(flag): expected a duration such as 500ms, 2s, 5m or 1h (a number and one of ms, s, m, h), got \"\(text)\"")
        }
        return .milliseconds(Int64((value * scale * 1000).rounded()))
    }
}

extension String {
    func trimmingASCIIWhitespace() -> Substring {
        var text = self[...]
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}
