import ArgumentParser
import Dashboard
import FraudPipeline
import Hummingbird
import Logging
import ServiceLifecycle

/// `fraudstream dashboard`: the dashboard page and its JSON endpoints, against any database a
/// worker writes to, in a process of its own.
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Serve the live dashboard (flagged transactions, throughput, model quality, worker health) from PostgreSQL.",
        discussion: """
            Serves the page at / and its JSON endpoints under /api/ (docs/dashboard.md) on \
            --http-host and --http-port, reading the schema the workers write. Only reads: it \
            never migrates. It starts while the database is down and recovers when it returns. \
            SIGTERM or SIGINT stops it. The page has no login: keep the default loopback address \
            unless the network in front of it is trusted.
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var http: HTTPOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        _ = try http.endpoint()
        do {
            _ = try SchemaMigrator(schema: database.schema)
        } catch let error as SchemaError {
            throw ValidationError("--schema: \(error)")
        }
    }

    func run() async throws {
        logging.bootstrap()
        let logger = Logger(label: "fraudstream.dashboard")
        let endpoint = try http.endpoint()
        let dashboard = try DashboardEndpoints(database: database.configuration, schema: database.schema, logger: logger)
        let router = Router()
        dashboard.add(to: router)
        let server = HTTPServer.make(router: router, endpoint: endpoint, logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await HTTPServer.run(group, endpoint: endpoint, thenClose: dashboard)
    }
}
