import Foundation

/// The query string of one request to a JSON endpoint, checked against the parameters that
/// endpoint accepts, with typed readers whose errors name the parameter and what it takes.
struct DashboardQueryParameters: Sendable {
    /// An example of the time format, for error messages.
    static let timeExample = "2026-01-01T12:00:00Z"

    private let values: [String: String]

    /// Reads `pairs`, refusing names the endpoint does not know and names given twice.
    /// - Parameters:
    ///   - pairs: The decoded query string, in order.
    ///   - accepted: The names the endpoint accepts.
    /// - Throws: ``DashboardRequestError`` (400) for an unknown or repeated name.
    init(_ pairs: some Sequence<(key: String, value: String)>, accepted: [String]) throws(DashboardRequestError) {
        var values: [String: String] = [:]
        for (name, value) in pairs {
            guard accepted.contains(name) else {
                let list = accepted.isEmpty ? "no parameters" : accepted.joined(separator: ", ")
                throw .badRequest("unknown parameter \"\(Self.quoted(name))\": this endpoint accepts \(list)")
            }
            guard values[name] == nil else {
                throw .badRequest("\(name): given more than once; give it once")
            }
            values[name] = value
        }
        self.values = values
    }

    /// Whether the request gave `name`.
    func contains(_ name: String) -> Bool { values[name] != nil }

    /// A whole number in `range`, or `defaultValue` when absent.
    /// - Throws: ``DashboardRequestError`` (400) naming the parameter and the range.
    func integer(_ name: String, in range: ClosedRange<Int>, default defaultValue: Int?) throws(DashboardRequestError) -> Int? {
        guard let text = values[name] else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw .badRequest("\(name): expected a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(Self.quoted(text))\"")
        }
        return value
    }

    /// An RFC 3339 time (`2026-01-01T12:00:00Z`, fractions of a second and offsets such as
    /// `+02:00` allowed), or nil when absent.
    /// - Throws: ``DashboardRequestError`` (400) naming the parameter and the format.
    func time(_ name: String) throws(DashboardRequestError) -> Date? {
        guard let text = values[name] else { return nil }
        guard let date = DashboardTime.parse(text) else {
            throw .badRequest("\(name): expected an RFC 3339 time such as \(Self.timeExample) (an offset such as +02:00 instead of Z is fine; encode + as %2B), got \"\(Self.quoted(text))\"")
        }
        return date
    }

    /// An identifier of 1 to `maximumLength` characters without spaces or control characters,
    /// or nil when absent.
    /// - Throws: ``DashboardRequestError`` (400) naming the parameter and what it takes.
    func identifier(_ name: String, what: String, maximumLength: Int) throws(DashboardRequestError) -> String? {
        guard let text = values[name] else { return nil }
        guard (1...maximumLength).contains(text.count),
              text.unicodeScalars.allSatisfy({ !$0.properties.isWhitespace && $0.properties.generalCategory != .control })
        else {
            throw .badRequest("\(name): expected \(what) of 1 to \(maximumLength) characters without spaces, got \"\(Self.quoted(text))\"")
        }
        return text
    }

    /// `text` made safe to quote in a message: control characters escaped, at most 80 characters.
    static func quoted(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars.prefix(80) {
            if scalar.properties.generalCategory == .control || scalar == "\"" || scalar == "\\" {
                result += scalar.escaped(asASCII: true)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return text.unicodeScalars.count > 80 ? result + "…" : result
    }
}
