/// Reads durations written on the command line: a number and a unit, as in `500ms`, `2s`,
/// `1.5s`, `5m`, `1h` or `7d`. Used by every command that takes a duration.
public enum GeneratorDurationParser {
    /// Parses one duration.
    ///
    /// - Parameters:
    ///   - text: The text, such as `60s`.
    ///   - flag: The flag it came from, used in the error message (`--duration`).
    /// - Throws: ``GeneratorOptionsError`` naming the flag, the accepted forms and the text.
    /// The longest duration accepted: 100 years.
    static let maximumMilliseconds: Double = 100 * 365 * 86_400_000

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
        case "d": 86_400
        default: nil
        }
        guard let scale, let value = Double(number), value.isFinite, value >= 0 else {
            throw GeneratorOptionsError(
                "\(flag): expected a duration such as 500ms, 2s, 5m, 1h or 7d (a number and one of ms, s, m, h, d), got \"\(text)\"")
        }
        let milliseconds = (value * scale * 1000).rounded()
        // Beyond a century a duration means nothing here; refusing it also keeps Int64 from overflowing.
        guard milliseconds <= maximumMilliseconds else {
            throw GeneratorOptionsError("\(flag): \"\(text)\" is longer than 100 years; give a shorter duration")
        }
        return .milliseconds(Int64(milliseconds))
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
