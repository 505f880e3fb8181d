import Foundation
import Logging
import Postgres

/// The shared PostgreSQL that `make test` starts, named by `FRAUDSTREAM_TEST_DATABASE_URL`.
enum TestDatabase {
    static let environmentVariable = "FRAUDSTREAM_TEST_DATABASE_URL"

    /// Fails the calling test, never skips it, when the variable is missing.
    struct NotConfigured: Error, CustomStringConvertible {
        var description: String {
            "\(TestDatabase.environmentVariable) is not set: run `make test`, or start PostgreSQL and export it"
        }
    }

    static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment[environmentVariable], !url.isEmpty else {
            throw NotConfigured()
        }
        return url
    }

    static func connect(logger: Logger = .quiet) async throws -> PostgresConnection {
        try await PostgresConnection.connect(PostgresConfiguration(url()), logger: logger)
    }

    /// A table name no other test (or earlier run) uses.
    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased())"
    }
}

extension Logger {
    /// A logger that drops everything, for tests that do not inspect logs.
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
}
