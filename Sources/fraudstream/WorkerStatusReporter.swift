import FraudPipeline
import Logging
import ServiceLifecycle

/// Logs one line with the worker's counters every interval, until the group shuts down.
struct WorkerStatusReporter: Service {
    let metrics: WorkerMetrics
    let interval: Duration
    let logger: Logger

    func run() async throws {
        var previous = metrics.snapshot()
        var previousTime = ContinuousClock.now
        while !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            let now = metrics.snapshot()
            let time = ContinuousClock.now
            let seconds = Double((time - previousTime).components.seconds) + Double((time - previousTime).components.attoseconds) / 1e18
            logger.info("status", metadata: [
                "scoredPerSecond": "\(Int(Double(now.scored - previous.scored) / max(seconds, 0.001)))",
                "written": "\(now.written)", "flagged": "\(now.flagged)", "rejected": "\(now.rejected)",
                "lag": "\(now.totalLag)", "latencyP99Ms": "\(now.latencyMilliseconds(atPercentile: 99))",
                "databaseUnavailable": "\(now.databaseUnavailable)",
            ])
            previous = now
            previousTime = time
        }
    }
}
