import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import FraudCore
import FraudPipeline

/// The dashboard's endpoints against a large table: seeds a schema of its own with
/// ``LoadTestOptions/dashboardRows`` scored rows (every tenth labelled) spread over the last
/// three hours, starts `fraudstream dashboard` on it as a child process, and times each
/// endpoint over HTTP with its default range (the median of five requests after one to warm up).
struct DashboardRun {
    let environment: LoadTestEnvironment
    let progress: @Sendable (String) -> Void

    /// The endpoints timed, with the rows each reads.
    static let endpoints: [(path: String, reads: String)] = [
        ("/api/flagged", "the newest 50 flagged rows"),
        ("/api/flagged?account=C100", "one account's flagged rows (C100 has 10)"),
        ("/api/throughput", "5 minutes of scored_seconds"),
        ("/api/fraud-per-minute", "60 minutes of scored_minutes"),
        ("/api/model-quality", "3 hours of scored_minutes, and fraud_scenarios over the rows"),
        ("/api/workers", "worker_status"),
        ("/api/rejected", "60 minutes of rejected_transactions"),
    ]

    /// The span the rows are spread over, ending now.
    static let span = Duration.seconds(3 * 3600)

    func run() async throws -> LoadTestFigures.Dashboard {
        let rows = environment.options.dashboardRows
        let schema = "loadtest_dashboard_\(ThroughputRun.runID())"
        let connection = try await environment.connect()
        defer { Task { await connection.close() } }
        try await SchemaMigrator(schema: schema).migrate(connection)
        var figures = LoadTestFigures.Dashboard()
        figures.rows = rows

        // Server-side, in chunks, so the rollup triggers see statements of a sensible size.
        let clock = ContinuousClock()
        try await connection.execute("SET search_path TO \(schema)")
        let seeding = try await clock.measure {
            let chunk = 500_000
            for start in stride(from: 0, to: rows, by: chunk) {
                let end = min(rows, start + chunk) - 1
                try await connection.execute(Self.seedRows, [.int64(Int64(start)), .int64(Int64(end)), .int64(Int64(rows))])
                progress("dashboard: seeded \(end + 1) of \(rows) rows")
            }
            try await connection.execute("ANALYZE \(schema).scored_transactions")
            try await connection.execute("ANALYZE \(schema).labels")
        }
        figures.seedingSeconds = seeding.seconds
        let size = try await connection.query(
            "SELECT pg_total_relation_size($1::regclass), (SELECT count(*) FROM \(schema).labels)", [.text(schema + ".scored_transactions")])
        figures.tableBytes = try size[0][0, as: Int.self]
        figures.labels = try size[0][1, as: Int.self]

        let dashboard = try ChildProcess(
            executable: environment.options.executable,
            arguments: ["dashboard", "--schema", schema, "--http-port", "0", "--log-level", "info"],
            environment: ["DATABASE_URL": environment.database.connectionString], name: "dashboard", logDirectory: environment.logDirectory)
        defer { Task { await dashboard.stop() } }
        let port = try await Self.port(of: dashboard)
        // One session for every request, as the page's one keep-alive connection: its setup is
        // not part of what an endpoint costs.
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 120
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        for endpoint in Self.endpoints {
            var times: [Double] = []
            for attempt in 0..<6 {
                let started = clock.now
                let (_, response) = try await session.data(from: URL(string: "http://127.0.0.1:\(port)\(endpoint.path)")!)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                let took = (clock.now - started).seconds * 1000
                guard status == 200 else {
                    throw LoadTestError("GET \(endpoint.path) answered \(status); the dashboard's log: \(dashboard.output.suffix(800))")
                }
                if attempt > 0 { times.append(took) }
            }
            times.sort()
            figures.endpoints.append((endpoint.path, endpoint.reads, times[times.count / 2], times.last ?? 0))
            progress("dashboard: \(endpoint.path) median \(String(format: "%.1f", times[times.count / 2])) ms")
        }
        await dashboard.stop()
        try await connection.execute("DROP SCHEMA \(schema) CASCADE")
        return figures
    }

    /// Rows `$1…$2` of `$3`, spread evenly over the last three hours: 1 in 100 flagged, 1 in 10
    /// labelled (fraud for most flagged ones and some others), 160 partitions, a million accounts.
    static let seedRows = """
        WITH seeded AS (
            INSERT INTO scored_transactions
            SELECT 'D-' || g, scored_at - interval '40 milliseconds', (ARRAY['PAYMENT','TRANSFER','CASH_OUT','DEBIT','CASH_IN'])[1 + g % 5],
                   10 + (g % 9973) * 1.5, 'C' || (g % 1000000), 5000, 4000, 'M' || (g % 50000), 0, 1000,
                   array_fill(0.5::double precision, ARRAY[\(FeatureSchema.width)]), \(FeatureSchema.current.version),
                   CASE WHEN g % 100 = 0 THEN 0.97 ELSE 0.02 END, g % 100 = 0, 'default', (g % 160)::integer, g / 160, scored_at
            FROM generate_series($1::bigint, $2::bigint) AS g,
                 LATERAL (SELECT now() - interval '3 hours' + (g::double precision / $3::bigint) * interval '3 hours' AS scored_at) AS t
            RETURNING transaction_id, kafka_offset
        )
        INSERT INTO labels (transaction_id, is_fraud, labeled_at)
        SELECT transaction_id, substr(transaction_id, 3)::bigint % 100 = 0 OR substr(transaction_id, 3)::bigint % 770 = 0, now()
        FROM seeded WHERE substr(transaction_id, 3)::bigint % 10 = 0
        """

    /// The port `fraudstream dashboard` announced.
    static func port(of dashboard: ChildProcess) async throws -> Int {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let line = dashboard.output.split(separator: "\n").first(where: { $0.contains("http server listening") }),
               let match = line.firstMatch(of: /port=([0-9]+)/), let port = Int(match.1) {
                return port
            }
            guard dashboard.process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw LoadTestError("the dashboard did not start: \(dashboard.output.suffix(800))")
    }

}
