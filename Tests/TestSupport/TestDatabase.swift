import Foundation
import Logging
import Postgres

/// The shared PostgreSQL that `make test` starts, named by `FRAUDSTREAM_TEST_DATABASE_URL`.
/// Shared by every test target that needs the database.
public enum TestDatabase {
    /// The environment variable that names the test database.
    public static let environmentVariable = "FRAUDSTREAM_TEST_DATABASE_URL"

    /// Fails the calling test, never skips it, when the variable is missing.
    public struct NotConfigured: Error, CustomStringConvertible {
        public var description: String {
            "\(TestDatabase.environmentVariable) is not set: run `make test`, or start PostgreSQL and export it"
        }
    }

    /// The test database's URL.
    public static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment[environmentVariable], !url.isEmpty else {
            throw NotConfigured()
        }
        return url
    }

    /// A new connection to the test database.
    public static func connect(logger: Logger = .quiet) async throws -> PostgresConnection {
        try await PostgresConnection.connect(PostgresConfiguration(url()), logger: logger)
    }

    /// A table name no other test (or earlier run) uses.
    public static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased())"
    }
}

extension Logger {
    /// A logger that drops everything, for tests that do not inspect logs.
    public static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
}
