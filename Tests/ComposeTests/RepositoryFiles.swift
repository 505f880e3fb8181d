import Foundation
import Testing
import Yams

/// Reads the repository's files by path, relative to its root, for tests that check what is
/// committed (compose/, docs/).
enum RepositoryFiles {
    /// The repository's root: three folders above this file (`Tests/ComposeTests/…`).
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The URL of `path` under the root.
    static func url(_ path: String) -> URL {
        root.appendingPathComponent(path)
    }

    /// Whether `path` exists under the root.
    static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: url(path).path)
    }

    /// The text of `path`.
    /// - Throws: When it cannot be read, naming the file.
    static func text(_ path: String) throws -> String {
        do {
            return try String(contentsOf: url(path), encoding: .utf8)
        } catch {
            Issue.record("cannot read \(path): \(error)")
            throw error
        }
    }

    /// `path` parsed as YAML: a mapping at the top level.
    /// - Throws: The YAML parser's error (with the line) or a note that the top level is no mapping.
    static func yamlMapping(_ path: String) throws -> [String: Any] {
        let parsed = try Yams.load(yaml: try text(path))
        guard let mapping = parsed as? [String: Any] else {
            Issue.record("\(path): the top level is not a mapping")
            throw CocoaError(.fileReadCorruptFile)
        }
        return mapping
    }

    /// `path` parsed as a JSON object.
    static func jsonObject(_ path: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(try text(path).utf8))
        guard let mapping = object as? [String: Any] else {
            Issue.record("\(path): the top level is not an object")
            throw CocoaError(.fileReadCorruptFile)
        }
        return mapping
    }

    /// Every file under `folder` (recursively) whose name ends in one of `extensions`, as paths
    /// relative to the root, sorted.
    static func files(under folder: String, extensions: Set<String>) -> [String] {
        let base = url(folder)
        guard let enumerator = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { return [] }
        var found: [String] = []
        for case let file as URL in enumerator where extensions.contains(file.pathExtension) {
            let relative = file.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1)
            found.append(String(relative))
        }
        return found.sorted()
    }
}
