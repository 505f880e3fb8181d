import Dashboard
import Foundation
import FraudPipeline
import Hummingbird
import Logging
import Postgres
import TestSupport
import Testing

/// A real Hummingbird server on a free port serving ``DashboardEndpoints`` over a schema of the
/// test's own in the test database, and a plain HTTP/1.1 client to call it.
struct DashboardTestServer: Sendable {
    /// One HTTP answer.
    struct Answer: Sendable {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }

        /// The body as a JSON object.
        func json() throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any], "not a JSON object: \(text)")
        }

        /// The `error` of a JSON error body.
        func error() throws -> String {
            try #require(try json()["error"] as? String, "no error message in \(text)")
        }
    }

    /// The port the server listens on.
    let port: Int

    /// Runs `body` with a server over `schema` (migrated first when `migrate` is true), then
    /// stops the server and drops the schema.
    static func with(
        migrate: Bool = true, database: String? = nil,
        seed: (PostgresConnection, String) async throws -> Void = { _, _ in },
        _ body: (DashboardTestServer, PostgresConnection, String) async throws -> Void
    ) async throws {
        let connection = try await TestDatabase.connect()
        let schema = TestDatabase.uniqueName("dashboard")
        do {
            if migrate {
                try await SchemaMigrator(schema: schema).migrate(connection, logger: .quiet)
            }
            try await seed(connection, schema)
            let dashboard = try DashboardEndpoints(
                database: PostgresConfiguration(try database ?? TestDatabase.url()), schema: schema, logger: .quiet)
            let router = Router()
            dashboard.add(to: router)
            let (ports, listening) = AsyncStream.makeStream(of: Int.self)
            let application = Application(
                router: router,
                configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { channel in
                    listening.yield(channel.localAddress?.port ?? 0)
                    listening.finish()
                },
                logger: .quiet)
            let task = Task {
                defer { listening.finish() }
                try await application.run()
            }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next(), "the dashboard's server did not start")
            do {
                try await body(DashboardTestServer(port: port), connection, schema)
            } catch {
                task.cancel()
                _ = try? await task.value
                await dashboard.close()
                throw error
            }
            task.cancel()
            _ = try? await task.value
            await dashboard.close()
        } catch {
            _ = try? await connection.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE")
            await connection.close()
            throw error
        }
        try await connection.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE")
        await connection.close()
    }

    /// `GET path` over a new connection (`Connection: close`), on a thread of its own.
    func get(_ path: String) async throws -> Answer {
        let port = port
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try PlainHTTPClient.get(path, port: port) })
            }
        }
    }

    /// `GET path`, expecting 200 and a JSON object.
    func json(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        let answer = try await get(path)
        #expect(answer.status == 200, "GET \(path): \(answer.status) \(answer.text)", sourceLocation: sourceLocation)
        #expect(answer.headers["content-type"] == "application/json; charset=utf-8", sourceLocation: sourceLocation)
        return try answer.json()
    }
}
