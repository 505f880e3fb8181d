import Dashboard
import Hummingbird
import Logging
import ServiceLifecycle

/// The one way a `fraudstream` command serves HTTP (`worker`, `demo`, `dashboard`): a
/// Hummingbird application on `--http-host` and `--http-port` that announces where it listens.
enum HTTPServer {
    /// The server for `router` on `endpoint`. Once it listens it logs `http server listening`
    /// with `host` and the actual `port` (the one picked when the port is 0), the line tests
    /// and scripts look for, and calls `listening` with that port.
    static func make(
        router: Router<BasicRequestContext>, endpoint: (host: String, port: Int), logger: Logger,
        listening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some Service {
        // Hummingbird logs every request at debug and its own start at info; ours is the line
        // that matters.
        var serverLogger = logger
        serverLogger.logLevel = max(logger.logLevel, .notice)
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(endpoint.host, port: endpoint.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? endpoint.port
                logger.info("http server listening", metadata: ["host": "\(endpoint.host)", "port": "\(port)"])
                await listening(port)
            },
            logger: serverLogger)
    }

    /// `error` from the server, or ``HTTPBindError`` naming the flag to change when the
    /// address cannot be served on.
    static func explain(_ error: any Error, endpoint: (host: String, port: Int)) -> any Error {
        HTTPBindError(error, endpoint: endpoint) ?? error
    }

    /// Runs `group`, which holds the server, until it ends, then closes the dashboard's
    /// database connection however it ended.
    /// - Throws: The group's error, as ``HTTPBindError`` when the address cannot be served on.
    static func run(_ group: ServiceGroup, endpoint: (host: String, port: Int), thenClose dashboard: DashboardEndpoints) async throws {
        do {
            try await group.run()
        } catch {
            await dashboard.close()
            throw explain(error, endpoint: endpoint)
        }
        await dashboard.close()
    }
}
