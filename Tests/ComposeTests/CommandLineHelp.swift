import Foundation
import Testing

/// The built `fraudstream` executable's `--help` output, read as the source of truth for which
/// subcommands, flags and environment variables exist.
struct CommandLineHelp {
    /// The whole help text.
    var text: String

    /// The executable next to the test bundle in the build folder (as the CLI tests find it).
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("fraudstream")
    }

    /// Runs `fraudstream <command…> --help`.
    /// - Throws: When the executable is missing (build it with `swift build`) or fails.
    init(_ command: [String]) throws {
        let path = Self.executable.path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            Issue.record("the fraudstream executable is missing at \(path): build it with `swift build --build-tests`")
            throw CocoaError(.fileNoSuchFile)
        }
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = command + ["--help"]
        process.environment = ["COLUMNS": "100", "PATH": "/usr/bin:/bin"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            Issue.record("fraudstream \(command.joined(separator: " ")) --help failed (\(process.terminationStatus)): \(text)")
            throw CocoaError(.executableLoad)
        }
    }

    /// The lines of the section headed `title:` (`OPTIONS`, `SUBCOMMANDS`).
    func section(_ title: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix(title + ":") }) else { return [] }
        return Array(lines[(start + 1)...].prefix { $0.isEmpty || $0.hasPrefix(" ") })
    }

    /// The long flags listed under OPTIONS (`--brokers`, `--no-migrate`, `--help`).
    var flags: Set<String> {
        var found = Set<String>()
        for line in section("OPTIONS") {
            guard let match = line.firstMatch(of: /^\s{1,4}(?:-[A-Za-z], )?(--[a-z0-9][a-z0-9-]*)/) else { continue }
            found.insert(String(match.1))
        }
        return found
    }

    /// The environment variables the help names as `$NAME`.
    var environmentVariables: Set<String> {
        Set(text.matches(of: /\$([A-Z][A-Z0-9_]*)/).map { String($0.1) })
    }

    /// The subcommands listed under SUBCOMMANDS.
    var subcommands: Set<String> {
        Set(section("SUBCOMMANDS").compactMap { line in line.firstMatch(of: /^\s{1,4}([a-z][a-z0-9-]*)/).map { String($0.1) } })
    }

    /// The help with every run of whitespace made one space, so wrapped sentences read whole.
    var flattened: String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
