import Foundation

/// A `fraudstream` subcommand run as a child process (the broker, the generator), with its
/// output in a log file, so that its CPU and memory are not counted as the worker's.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    let logURL: URL
    let name: String

    /// Starts `executable` with `arguments` and this process's environment plus `environment`
    /// (for secrets, which the command line would show to every user of the machine); output
    /// goes to `<logDirectory>/<name>.log`.
    init(executable: URL, arguments: [String], environment: [String: String] = [:], name: String, logDirectory: URL) throws {
        self.name = name
        logURL = logDirectory.appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
        }
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try log.close()
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// What the process has written so far.
    var output: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// Waits for the process to exit.
    /// - Throws: ``LoadTestError`` with the end of its output when it failed.
    func waitForSuccess() async throws {
        while process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        guard process.terminationStatus == 0 else {
            throw LoadTestError("\(name) exited with status \(process.terminationStatus): \(output.suffix(800))")
        }
    }

    /// Waits until a line of the output starts with `prefix` and returns the rest of it.
    func waitForLine(startingWith prefix: String, timeout: Duration = .seconds(30)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = output.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) {
                return String(line.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw LoadTestError("\(name) did not print \"\(prefix)\": \(output.suffix(800))")
    }

    /// Asks the process to stop (SIGTERM) and waits for it.
    func stop() async {
        if process.isRunning { process.terminate() }
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    }
}

/// A load test that could not run, with what went wrong.
public struct LoadTestError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
