import Foundation
import TestSupport
import Testing

/// A `fraudstream worker` child process whose logs go to a file (a pipe nobody reads would
/// fill up and stall it).
final class WorkerProcess {
    let process: Process
    let logURL: URL

    /// Starts a worker.
    /// - Parameters:
    ///   - brokers: The cluster's bootstrap servers.
    ///   - databaseURL: The database.
    ///   - schema: A schema of the test's own.
    ///   - group: The consumer group.
    ///   - arguments: More flags, such as `--checkpoint-interval 1s`.
    ///   - environment: Variables set for the worker on top of the test's own.
    init(brokers: String, databaseURL: String, schema: String, group: String, arguments: [String] = [], environment: [String: String] = [:]) throws {
        let path = CommandLineRunner.executable.path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            Issue.record("the fraudstream executable is missing at \(path): build it with `swift build` (make test does)")
            throw CocoaError(.fileNoSuchFile)
        }
        logURL = FileManager.default.temporaryDirectory.appendingPathComponent("fraudstream-worker-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        process = Process()
        process.executableURL = CommandLineRunner.executable
        process.arguments = [
            "worker", "--brokers", brokers, "--database-url", databaseURL, "--schema", schema, "--group", group,
            "--session-timeout", "6s", "--status-interval", "0s", "--http-port", "0",
        ] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try log.close()
    }

    deinit {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: logURL)
    }

    /// Everything the worker logged so far.
    var log: String {
        (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
    }

    /// The port of the worker's HTTP server (it is started with `--http-port 0`), from its
    /// `http server listening` log line.
    /// - Throws: When the line does not come within `timeout`, with the log in the message.
    func httpPort(timeout: Duration = .seconds(30)) async throws -> Int {
        var port: Int?
        _ = try await eventually(timeout: timeout, every: .milliseconds(50)) {
            port = Self.listeningPort(in: log)
            return port != nil || !process.isRunning
        }
        guard let port else {
            throw WorkerProcessError("the worker logged no `http server listening` line with port=N; its log:\n\(log.suffix(3000))")
        }
        return port
    }

    /// The `port=N` of the first `http server listening` line in `log`.
    static func listeningPort(in log: String) -> Int? {
        for line in log.split(separator: "\n") where line.contains("http server listening") {
            guard let range = line.range(of: "port=") else { continue }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        return nil
    }

    /// Kills the worker with SIGKILL and waits until it is gone.
    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Sends SIGTERM and waits for the exit.
    /// - Returns: The exit status and how long the worker took to exit.
    func terminate() -> (status: Int32, seconds: Double) {
        let start = ContinuousClock.now
        process.terminate()
        process.waitUntilExit()
        let elapsed = ContinuousClock.now - start
        return (process.terminationStatus, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// The worker's resident memory now, from /proc.
    var residentBytes: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kilobytes * 1024
    }
}

/// A worker process that did not do what a test waited for.
struct WorkerProcessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

