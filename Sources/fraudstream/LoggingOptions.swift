import ArgumentParser
import Foundation
import Logging

/// Flags shared by every command that logs.
struct LoggingOptions: ParsableArguments {
    @Option(name: .customLong("log-level"), help: "Least severe log level shown: trace, debug, info, notice, warning, error or critical ($FRAUDSTREAM_LOG_LEVEL).")
    var level: String = ProcessInfo.processInfo.environment["FRAUDSTREAM_LOG_LEVEL"] ?? "info"

    func validate() throws {
        guard Logger.Level(rawValue: level) != nil else {
            throw ValidationError("--log-level: expected one of trace, debug, info, notice, warning, error, critical; got \"\(level)\"")
        }
    }

    /// Sends logs to standard error at the chosen level. Call once, first thing in `run()`.
    func bootstrap() {
        let level = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

/// Flushes standard output so that lines reach pipes at once.
func fflushStandardOutput() {
    fflush(nil)  // all output streams; avoids touching the C global `stdout`
}
