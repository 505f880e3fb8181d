import ArgumentParser
import Dashboard
import Hummingbird
import Logging
import Postgres

/// The demo's one HTTP server, on `--http-host` and `--http-port`, running until ``stop()``.
///
/// Everything the demo serves is added to the router in ``start(endpoint:database:out:logger:)``.
struct DemoHTTPServer {
    private let task: Task<Void, any Error>
    private let dashboard: DashboardEndpoints

    /// Starts serving and prints the dashboard's URL once the server listens.
    /// - Parameters:
    ///   - endpoint: The address and port; port 0 picks a free one.
    ///   - database: The demo's database, which the dashboard reads.
    ///   - out: Where the URL is printed.
    ///   - logger: Receives `http server listening` and the dashboard's connection changes.
    /// - Throws: ``HTTPBindError`` naming the flag when the address cannot be served on.
    static func start(endpoint: (host: String, port: Int), database: PostgresConfiguration, out: DemoOutput, logger: Logger) async throws -> DemoHTTPServer {
        let router = Router()
        let dashboard = try DashboardEndpoints(database: database, schema: "fraudstream", logger: logger)
        dashboard.add(to: router)

        let (ports, listening) = AsyncStream.makeStream(of: Int.self)
        let server = DashboardCommand.httpServer(router: router, endpoint: endpoint, logger: logger) { port in
            listening.yield(port)
            listening.finish()
        }
        let task = Task {
            defer { listening.finish() }
            try await server.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            // The server stopped before it listened: its error says why.
            await dashboard.close()
            do {
                try await task.value
            } catch {
                throw DashboardCommand.explain(error, endpoint: endpoint)
            }
            throw ValidationError("--http-port: the HTTP server on \(endpoint.host):\(endpoint.port) stopped before it listened")
        }
        let host = endpoint.host == "0.0.0.0" || endpoint.host == "::" ? "127.0.0.1" : endpoint.host
        out.status("dashboard at http://\(host.contains(":") ? "[\(host)]" : host):\(port)/ while the demo runs")
        return DemoHTTPServer(task: task, dashboard: dashboard)
    }

    /// Stops serving and closes the dashboard's database connection.
    func stop() async {
        task.cancel()
        _ = try? await task.value
        await dashboard.close()
    }
}
