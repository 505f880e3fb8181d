/// The samples of a Prometheus text exposition (version 0.0.4), parsed the way a scraper
/// reads them, for tests that check `/metrics`.
public struct PrometheusSamples: Sendable {
    /// One line `name{label="value",...} number`.
    public struct Sample: Sendable, Equatable {
        /// The sample's name, with any `_bucket`, `_sum` or `_count` suffix.
        public var name: String
        /// The labels, unescaped.
        public var labels: [String: String]
        /// The value.
        public var value: Double

        /// A sample, as a test expects it.
        public init(name: String, labels: [String: String], value: Double) {
            self.name = name
            self.labels = labels
            self.value = value
        }
    }

    /// A line that is not valid exposition text.
    public struct ParseError: Error, CustomStringConvertible {
        /// What is wrong, and the line.
        public var description: String
    }

    /// Every sample, in text order.
    public var samples: [Sample] = []
    /// The `# TYPE` of each metric family, by name.
    public var types: [String: String] = [:]

    /// Parses `text`.
    /// - Throws: ``ParseError`` naming the first line that is not valid.
    public init(parsing text: String) throws {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ")
                guard parts.count == 2 else { throw ParseError(description: "bad TYPE line: \(line)") }
                guard types.updateValue(String(parts[1]), forKey: String(parts[0])) == nil else {
                    throw ParseError(description: "second TYPE line for \(parts[0])")
                }
                continue
            }
            if line.hasPrefix("#") { continue }
            samples.append(try Self.sample(Array(line.unicodeScalars), line: String(line)))
        }
    }

    /// The value of the sample `name` whose labels are exactly `labels`.
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// Every sample named `name`.
    public func all(_ name: String) -> [Sample] {
        samples.filter { $0.name == name }
    }

    private static func sample(_ scalars: [Unicode.Scalar], line: String) throws -> Sample {
        var index = 0
        var name = ""
        while index < scalars.count, scalars[index] != "{", scalars[index] != " " {
            name.unicodeScalars.append(scalars[index])
            index += 1
        }
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic && $0.isASCII || $0 == "_" || $0 == ":" || ("0"..."9").contains($0) }) else {
            throw ParseError(description: "bad metric name in: \(line)")
        }
        var labels: [String: String] = [:]
        if index < scalars.count, scalars[index] == "{" {
            index += 1
            while index < scalars.count, scalars[index] != "}" {
                var key = ""
                while index < scalars.count, scalars[index] != "=" {
                    key.unicodeScalars.append(scalars[index])
                    index += 1
                }
                guard index + 1 < scalars.count, scalars[index + 1] == "\"" else { throw ParseError(description: "label without a quoted value in: \(line)") }
                index += 2
                var value = ""
                while index < scalars.count, scalars[index] != "\"" {
                    if scalars[index] == "\\", index + 1 < scalars.count {
                        index += 1
                        switch scalars[index] {
                        case "n": value += "\n"
                        case "\\": value += "\\"
                        case "\"": value += "\""
                        default: throw ParseError(description: "bad escape in label value in: \(line)")
                        }
                    } else {
                        value.unicodeScalars.append(scalars[index])
                    }
                    index += 1
                }
                guard index < scalars.count else { throw ParseError(description: "unterminated label value in: \(line)") }
                index += 1
                guard labels.updateValue(value, forKey: key) == nil else { throw ParseError(description: "label \(key) twice in: \(line)") }
                if index < scalars.count, scalars[index] == "," { index += 1 }
            }
            guard index < scalars.count else { throw ParseError(description: "unterminated labels in: \(line)") }
            index += 1
        }
        var rest = ""
        for scalar in scalars[index...] { rest.unicodeScalars.append(scalar) }
        let fields = rest.split(separator: " ")
        guard let first = fields.first, fields.count <= 2 else { throw ParseError(description: "bad value in: \(line)") }
        let value: Double? = switch first {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: Double(first)
        }
        guard let value else { throw ParseError(description: "bad value in: \(line)") }
        return Sample(name: name, labels: labels, value: value)
    }
}
