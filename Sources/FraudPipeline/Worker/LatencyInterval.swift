import Histogram
import Synchronization

/// One reader's window of end-to-end latencies: what the worker recorded since the reader last
/// called ``take()``. Each reporter of recent percentiles (the demo's live line, the load test's
/// timeline, the status row behind the dashboard) has its own, so none resets another's.
///
/// Made by ``WorkerMetrics/makeLatencyInterval()``; lives as long as the metrics.
public final class LatencyInterval: Sendable {
    private let histogram = Mutex(Histogram<UInt64>(highestTrackableValue: WorkerMetrics.latencyCeiling, numberOfSignificantValueDigits: .three))

    init() {}

    /// The latencies (microseconds) recorded since the previous call, or since this window was
    /// made; the window starts again empty.
    public func take() -> Histogram<UInt64> {
        histogram.withLock { histogram in
            defer { histogram.reset() }
            return histogram
        }
    }

    /// Adds `microseconds` to the window.
    func record(_ microseconds: [UInt64]) {
        histogram.withLock { histogram in
            for value in microseconds { _ = histogram.record(min(value, WorkerMetrics.latencyCeiling)) }
        }
    }
}
