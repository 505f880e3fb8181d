import Logging
import Synchronization

/// Keeps every log message, so tests can check what a connection reported.
struct RecordingLogHandler: LogHandler {
    final class Messages: Sendable {
        private let messages = Mutex<[(level: Logger.Level, message: String)]>([])

        func append(_ level: Logger.Level, _ message: String) {
            messages.withLock { $0.append((level, message)) }
        }

        func count(containing text: String) -> Int {
            messages.withLock { $0.filter { $0.message.contains(text) }.count }
        }

        var all: [String] {
            messages.withLock { $0.map { "\($0.level): \($0.message)" } }
        }
    }

    let messages: Messages
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        messages.append(event.level, "\(event.message) \(event.metadata ?? [:])")
    }

    /// A logger that records into `messages`.
    static func logger(_ messages: Messages) -> Logger {
        Logger(label: "test.recording") { _ in RecordingLogHandler(messages: messages) }
    }
}
