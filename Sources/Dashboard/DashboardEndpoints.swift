import Foundation
import FraudPipeline
import Hummingbird
import Logging
import Postgres

/// The dashboard: the page at `/`, its script and style sheet under `/assets/`, and the JSON
/// endpoints under `/api/` that it refreshes from, all read from PostgreSQL.
///
/// ```swift
/// let router = Router()
/// let dashboard = try DashboardEndpoints(database: PostgresConfiguration(url), schema: "fraudstream", logger: logger)
/// dashboard.add(to: router)
/// ```
///
/// The endpoints (docs/dashboard.md describes each, with examples):
/// - `GET /api/throughput?minutes=&from=&to=`: scored per second, flagged per 10 seconds;
/// - `GET /api/flagged?limit=&account=`: the latest flagged transactions;
/// - `GET /api/model-quality?minutes=&from=&to=`: precision and recall per 15 minutes;
/// - `GET /api/fraud-per-minute?minutes=&from=&to=`: predicted and labelled fraud per minute;
/// - `GET /api/workers`: each worker's status row (lag per partition, latency, counters);
/// - `GET /api/rejected?minutes=&from=&to=`: rejected messages per minute.
///
/// A bad parameter is answered with 400 and `{"error": "..."}` naming the parameter and what it
/// accepts; an unreachable or unmigrated database with 503.
///
/// - Important: All requests share one connection, opened on the first request and again after
///   a failure (so the dashboard starts, and recovers, while the database is down). Call
///   ``close()`` when the server has stopped.
public struct DashboardEndpoints: Sendable {
    /// The schema the endpoints read.
    public let schema: String
    private let database: DashboardDatabase
    private let assets: DashboardAssets
    private let logger: Logger

    /// Creates the endpoints; nothing connects until the first request.
    /// - Parameters:
    ///   - database: Where to read from. Its reconnect deadline is capped at 5 seconds, so a
    ///     request fails fast with 503 rather than waiting out a long outage.
    ///   - schema: The migrated schema holding fraudstream's tables.
    ///   - logger: Receives connection changes and failed queries.
    /// - Throws: ``FraudPipeline/SchemaError`` for a schema name that is not a plain
    ///   lower-case identifier; `CocoaError` if the page's files are missing from the module's
    ///   resource bundle.
    public init(database: PostgresConfiguration, schema: String = "fraudstream", logger: Logger) throws {
        self.schema = try SchemaMigrator(schema: schema).schema
        var configuration = database
        configuration.reconnect.deadline = min(configuration.reconnect.deadline, .seconds(5))
        self.database = DashboardDatabase(configuration: configuration, logger: logger)
        self.assets = try DashboardAssets()
        self.logger = logger
    }

    /// Adds the page, its assets and the JSON endpoints to `router`.
    /// - Parameter router: The router of the process's one HTTP server.
    public func add<Context: RequestContext>(to router: Router<Context>) {
        for asset in assets.assets {
            router.get(RouterPath(asset.path)) { _, _ in
                Self.response(status: .ok, contentType: asset.contentType, bytes: asset.bytes)
            }
        }
        let (schema, database) = (schema, database)
        route(router, "/api/throughput", ThroughputQuery.parameterNames) { parameters in
            try await ThroughputQuery(schema: schema).run(parameters, on: database, now: Date())
        }
        route(router, "/api/flagged", LatestFlaggedQuery.parameterNames) { parameters in
            try await LatestFlaggedQuery(schema: schema).run(parameters, on: database)
        }
        route(router, "/api/model-quality", ModelQualityQuery.parameterNames) { parameters in
            try await ModelQualityQuery(schema: schema).run(parameters, on: database, now: Date())
        }
        route(router, "/api/fraud-per-minute", FraudPerMinuteQuery.parameterNames) { parameters in
            try await FraudPerMinuteQuery(schema: schema).run(parameters, on: database, now: Date())
        }
        route(router, "/api/workers", WorkerHealthQuery.parameterNames) { _ in
            try await WorkerHealthQuery(schema: schema).run(on: database)
        }
        route(router, "/api/rejected", RejectedPerMinuteQuery.parameterNames) { parameters in
            try await RejectedPerMinuteQuery(schema: schema).run(parameters, on: database, now: Date())
        }
        router.get("/api/**") { request, _ in
            Self.errorResponse(.notFound(
                "no endpoint at \(request.uri.path): the dashboard serves /api/throughput, /api/flagged, /api/model-quality, /api/fraud-per-minute, /api/workers and /api/rejected"))
        }
    }

    /// Closes the database connection. A later request opens a new one.
    public func close() async {
        await database.close()
    }

    /// Registers one JSON endpoint: checks the parameter names, runs `answer`, and turns
    /// errors into JSON with the right status.
    private func route<Context: RequestContext, Result: Encodable & Sendable>(
        _ router: Router<Context>, _ path: String, _ accepted: [String],
        answer: @escaping @Sendable (DashboardQueryParameters) async throws -> Result
    ) {
        let (logger, schema) = (logger, schema)
        router.get(RouterPath(path)) { request, _ in
            do {
                let pairs = request.uri.queryParameters.map { (key: String($0.key), value: String($0.value)) }
                let parameters = try DashboardQueryParameters(pairs, accepted: accepted)
                let result = try await answer(parameters)
                return Self.response(status: .ok, contentType: "application/json; charset=utf-8", bytes: try DashboardJSON.encode(result))
            } catch let error as DashboardRequestError {
                return Self.errorResponse(error)
            } catch let error as PostgresError {
                return Self.errorResponse(Self.describe(error, schema: schema, path: path, logger: logger))
            } catch {
                logger.error("dashboard request failed", metadata: ["path": "\(path)", "error": "\(error)"])
                return Self.errorResponse(DashboardRequestError(status: 500, message: "the request failed: \(error)"))
            }
        }
    }

    /// The message and status for a database error; logs the ones a person must act on.
    static func describe(_ error: PostgresError, schema: String, path: String, logger: Logger) -> DashboardRequestError {
        if error.code == .connectionFailed || error.code == .connectionClosed {
            logger.warning("dashboard cannot reach PostgreSQL", metadata: ["path": "\(path)", "error": "\(error)"])
            return .unavailable("the database is unavailable: \(error.message); the page retries on its own")
        }
        // 42P01 undefined table, 3F000 no such schema: the worker has not migrated it yet.
        if error.sqlState == "42P01" || error.sqlState == "3F000" {
            return .unavailable("schema \"\(schema)\" has no fraudstream tables yet: start a worker or run `fraudstream migrate --schema \(schema)`")
        }
        logger.error("dashboard query failed", metadata: ["path": "\(path)", "error": "\(error)"])
        return DashboardRequestError(status: 500, message: "the query failed: \(error)")
    }

    private static func errorResponse(_ error: DashboardRequestError) -> Response {
        response(
            status: HTTPResponse.Status(code: error.status), contentType: "application/json; charset=utf-8",
            bytes: DashboardJSON.error(error.message))
    }

    private static func response(status: HTTPResponse.Status, contentType: String, bytes: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.contentLength] = String(bytes.count)
        // Data changes every few seconds; the page is tiny: never cache either.
        headers[.cacheControl] = "no-store"
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        // Everything the page loads comes from this server: no CDN, no inline script.
        headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
