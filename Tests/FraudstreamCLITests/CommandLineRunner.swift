import Foundation
import Testing

/// Runs the built `fraudstream` executable, as a person at a terminal would.
struct CommandLineRunner {
    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// The executable next to the test bundle in the build folder.
    static var executable: URL {
        let buildFolder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return buildFolder.appendingPathComponent("fraudstream")
    }

    /// Runs `fraudstream` with `arguments` to completion.
    /// - Parameter environment: Variables to set (a value) or remove (`nil`) on top of the test's own.
    static func run(_ arguments: [String], environment: [String: String?] = [:]) throws -> Result {
        let process = try start(arguments, environment: environment)
        process.process.waitUntilExit()
        return Result(
            status: process.process.terminationStatus,
            standardOutput: String(decoding: process.output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
            standardError: String(decoding: process.errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    /// Starts `fraudstream` with `arguments` and returns without waiting.
    /// - Parameter environment: Variables to set (a value) or remove (`nil`) on top of the test's own.
    static func start(_ arguments: [String], environment: [String: String?] = [:]) throws -> (process: Process, output: Pipe, errors: Pipe) {
        let path = executable.path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            Issue.record("the fraudstream executable is missing at \(path): build it with `swift build` (make test does)")
            throw CocoaError(.fileNoSuchFile)
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var variables = ProcessInfo.processInfo.environment
        for (name, value) in environment { variables[name] = value }
        process.environment = variables
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        return (process, output, errors)
    }
}
