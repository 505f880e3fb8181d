import FraudPipeline
import Hummingbird

/// The worker's routes for operators: `GET /metrics` (Prometheus), `GET /healthz` (the process
/// is alive) and `GET /readyz` (``Readiness``).
///
/// ```swift
/// let router = Router()
/// OperatorEndpoints(exporter: exporter, readyMaxLag: 100_000).add(to: router)
/// ```
public struct OperatorEndpoints: Sendable {
    /// The content type of the Prometheus text exposition format.
    public static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Renders `/metrics`; its ``PrometheusExporter/metrics`` also decide `/readyz`.
    public let exporter: PrometheusExporter
    /// The most total consumer lag at which `/readyz` still answers 200.
    public let readyMaxLag: Int64

    /// Creates the endpoints.
    /// - Parameters:
    ///   - exporter: The worker's exporter.
    ///   - readyMaxLag: The most total consumer lag at which the worker is ready (`--ready-max-lag`).
    public init(exporter: PrometheusExporter, readyMaxLag: Int64) {
        self.exporter = exporter
        self.readyMaxLag = readyMaxLag
    }

    /// Adds `GET /metrics`, `GET /healthz` and `GET /readyz` to `router`.
    /// - Parameter router: The process's router, which may serve other routes too (the dashboard).
    public func add<Context: RequestContext>(to router: Router<Context>) {
        let exporter = exporter
        let readyMaxLag = readyMaxLag
        router.get("metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: Self.metricsContentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: exporter.scrape())))
        }
        router.get("healthz") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("readyz") { _, _ -> Response in
            let readiness = Readiness(exporter.metrics.snapshot(), maxLag: readyMaxLag)
            return Response(
                status: readiness.isReady ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: readiness.json)))
        }
    }
}
