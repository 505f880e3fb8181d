import Foundation
import FraudModel
import Logging

/// `fraudstream loadtest`: drives the generator against a worker and measures what one worker
/// sustains (throughput mode) and how long a transaction waits for its score (latency mode),
/// with the machine's ceilings beside them; writes `report.md` and `chart.png`.
public enum LoadTest {
    /// Runs the load test.
    /// - Parameters:
    ///   - options: What to run.
    ///   - model: The model the worker scores with.
    ///   - modelVersion: Its version.
    ///   - command: The command line, quoted in the report.
    ///   - progress: Progress lines, a few per second at most.
    /// - Returns: The figures and the report's location.
    public static func run(
        _ options: LoadTestOptions, model: ModelFile, modelVersion: String, command: String,
        logger: Logger = Logger(label: "fraudstream.loadtest"), progress: @escaping @Sendable (String) -> Void
    ) async throws -> (figures: LoadTestFigures, report: URL, summary: String) {
        try options.validate()
        try FileManager.default.createDirectory(at: options.resultsDirectory, withIntermediateDirectories: true)
        let environment = try await LoadTestEnvironment.start(options, logger: logger)
        var figures = LoadTestFigures()
        figures.command = command
        figures.machine = "\(ProcessInfo.processInfo.activeProcessorCount) cores, "
            + "\(ProcessInfo.processInfo.physicalMemory / (1 << 30)) GiB; broker: \(options.brokers == nil ? "embedded (fraudstream broker process)" : options.brokers!.joined(separator: ","))"
            + "; database: \(options.database == nil ? "embedded PostgreSQL (fsync off)" : "given")"
        do {
            if options.mode.includes(.throughput) {
                figures.throughput = try await ThroughputRun(
                    environment: environment, model: model, modelVersion: modelVersion, progress: progress, logger: logger).run()
            }
            if options.mode.includes(.latency) {
                for rate in options.rates {
                    figures.latency.append(try await LatencyRun(
                        environment: environment, rate: rate, model: model, modelVersion: modelVersion, progress: progress, logger: logger).run())
                }
            }
            if options.mode.includes(.dashboard) {
                figures.dashboard = try await DashboardRun(environment: environment, progress: progress).run()
            }
        } catch {
            await environment.stop()
            throw error
        }
        await environment.stop()
        let report = LoadTestReport(figures: figures)
        let reportURL = options.resultsDirectory.appendingPathComponent("report.md")
        try Data(report.chart()).write(to: options.resultsDirectory.appendingPathComponent("chart.png"))
        try report.markdown(chartFile: "chart.png").write(to: reportURL, atomically: true, encoding: .utf8)
        return (figures, reportURL, report.summary())
    }
}
