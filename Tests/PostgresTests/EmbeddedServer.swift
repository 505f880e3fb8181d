import Foundation
import Logging
import Postgres
import TestSupport

/// Runs `body` against a fresh private server in a temporary folder, and always stops it and
/// removes the folder afterwards.
func withEmbeddedPostgres<Result>(
    _ customize: (inout EmbeddedPostgres.Configuration) -> Void = { _ in },
    _ body: (EmbeddedPostgres, String) async throws -> Result
) async throws -> Result {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("fraudstream-pg-test-\(UUID().uuidString)")
    var configuration = EmbeddedPostgres.Configuration()
    configuration.dataDirectory = folder.appendingPathComponent("data").path
    configuration.database = "embedded_test"
    customize(&configuration)
    let server = EmbeddedPostgres(configuration, logger: .quiet)
    defer { try? FileManager.default.removeItem(at: folder) }
    do {
        let url = try await server.start()
        let result = try await body(server, url)
        try await server.stop()
        return result
    } catch {
        try? await server.stop()
        throw error
    }
}
