import ArgumentParser
import Dashboard
import Hummingbird
import Logging
import Observability
import Postgres
import ServiceLifecycle

/// The demo's one HTTP server, on `--http-host` and `--http-port`, running until ``stop()``.
///
/// Everything the demo serves is added to the router in ``start(endpoint:database:exporter:out:logger:)``:
/// the dashboard, and the worker's `/metrics`, `/healthz` and `/readyz`.
struct DemoHTTPServer {
    private let task: Task<Void, any Error>
    private let group: ServiceGroup
    private let dashboard: DashboardEndpoints

    /// Starts serving and prints the dashboard's URL once the server listens.
    /// - Parameters:
    ///   - endpoint: The address and port; port 0 picks a free one.
    ///   - database: The demo's database, which the dashboard reads.
    ///   - exporter: The demo worker's metrics, for `/metrics` and `/readyz`.
    ///   - out: Where the URL is printed.
    ///   - logger: Receives `http server listening` and the dashboard's connection changes.
    /// - Throws: ``HTTPBindError`` naming the flag when the address cannot be served on.
    static func start(
        endpoint: (host: String, port: Int), database: PostgresConfiguration, exporter: PrometheusExporter, out: DemoOutput, logger: Logger
    ) async throws -> DemoHTTPServer {
        let router = Router()
        OperatorEndpoints(exporter: exporter, readyMaxLag: 100_000).add(to: router)
        let dashboard = try DashboardEndpoints(database: database, schema: "fraudstream", logger: logger)
        dashboard.add(to: router)

        let (ports, listening) = AsyncStream.makeStream(of: Int.self)
        let server = HTTPServer.make(router: router, endpoint: endpoint, logger: logger) { port in
            listening.yield(port)
            listening.finish()
        }
        // In a service group of its own, so that stopping is a graceful shutdown (open requests
        // finish) rather than a cancellation the server would log as an error.
        let group = ServiceGroup(services: [server], logger: logger)
        let task = Task {
            defer { listening.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            // The server stopped before it listened: its error says why.
            await dashboard.close()
            do {
                try await task.value
            } catch {
                throw HTTPServer.explain(error, endpoint: endpoint)
            }
            throw ValidationError("--http-port: the HTTP server on \(endpoint.host):\(endpoint.port) stopped before it listened")
        }
        let host = endpoint.host == "0.0.0.0" || endpoint.host == "::" ? "127.0.0.1" : endpoint.host
        out.status("dashboard at http://\(host.contains(":") ? "[\(host)]" : host):\(port)/ while the demo runs")
        return DemoHTTPServer(task: task, group: group, dashboard: dashboard)
    }

    /// Stops serving and closes the dashboard's database connection.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
        await dashboard.close()
    }
}
