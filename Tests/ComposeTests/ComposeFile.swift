import Foundation
import Testing

/// A Docker Compose file, parsed with Yams, with the short and long forms of its settings
/// read alike (environment as a list or a mapping, depends_on as a list or a mapping, command
/// as a string or a list).
struct ComposeFile {
    /// The path under the repository root (`compose/docker-compose.yml`).
    var path: String
    /// The whole file.
    var document: [String: Any]

    /// The compose files in compose/.
    static let paths = ["compose/docker-compose.yml", "compose/external.yml"]

    /// Loads `path`.
    init(_ path: String) throws {
        self.path = path
        self.document = try RepositoryFiles.yamlMapping(path)
    }

    /// Every service by name.
    var services: [String: [String: Any]] {
        (document["services"] as? [String: Any] ?? [:]).compactMapValues { $0 as? [String: Any] }
    }

    /// The service `name`, recording an issue when it is missing.
    func service(_ name: String) throws -> [String: Any] {
        guard let service = services[name] else {
            Issue.record("\(path) has no service \(name); services: \(services.keys.sorted())")
            throw CocoaError(.fileReadCorruptFile)
        }
        return service
    }

    /// The services that run the image built from compose/Dockerfile (entrypoint `fraudstream`).
    var fraudstreamServices: [String: [String: Any]] {
        services.filter { _, service in
            (service["build"] as? [String: Any])?["dockerfile"] as? String == "compose/Dockerfile"
        }
    }

    /// The environment of a service, with `${…}` interpolated as Compose would with nothing set.
    static func environment(_ service: [String: Any]) -> [String: String] {
        var result: [String: String] = [:]
        if let mapping = service["environment"] as? [String: Any] {
            for (key, value) in mapping { result[key] = interpolate("\(value)") }
        } else if let list = service["environment"] as? [String] {
            for entry in list {
                let parts = entry.split(separator: "=", maxSplits: 1)
                result[String(parts[0])] = parts.count > 1 ? interpolate(String(parts[1])) : ""
            }
        }
        return result
    }

    /// The command of a service as words, interpolated.
    static func command(_ service: [String: Any]) -> [String] {
        if let list = service["command"] as? [Any] { return list.map { interpolate("\($0)") } }
        if let text = service["command"] as? String { return interpolate(text).split(whereSeparator: \.isWhitespace).map(String.init) }
        return []
    }

    /// The services a service waits for, with the condition (`service_started` for the list form).
    static func dependencies(_ service: [String: Any]) -> [String: String] {
        if let list = service["depends_on"] as? [String] {
            return Dictionary(uniqueKeysWithValues: list.map { ($0, "service_started") })
        }
        let mapping = service["depends_on"] as? [String: Any] ?? [:]
        return mapping.mapValues { (($0 as? [String: Any])?["condition"] as? String) ?? "service_started" }
    }

    /// The bind mounts of a service: host path (relative to compose/) and container path.
    static func bindMounts(_ service: [String: Any]) -> [(host: String, container: String)] {
        (service["volumes"] as? [String] ?? []).compactMap { entry in
            let parts = entry.split(separator: ":").map(String.init)
            guard parts.count >= 2, parts[0].hasPrefix(".") || parts[0].hasPrefix("/") else { return nil }
            return (parts[0], parts[1])
        }
    }

    /// `text` as Compose interpolates it with no variable set: `${A:-x}` and `${A-x}` become `x`,
    /// `${A:?message}` and `${A}` become `<A>`, `$$` becomes `$`.
    static func interpolate(_ text: String) -> String {
        // `$$` is an escaped `$`: set it aside so that `$${A}` stays `${A}`.
        let escaped = "\u{1}"
        var result = text.replacingOccurrences(of: "$$", with: escaped)
        result = result.replacing(/\$\{([A-Za-z_][A-Za-z0-9_]*):?-([^}]*)\}/) { String($0.2) }
        result = result.replacing(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:?\?[^}]*)?\}/) { "<\($0.1)>" }
        return result.replacingOccurrences(of: escaped, with: "$")
    }
}
