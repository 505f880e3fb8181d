#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FraudCore
import Threading

/// Drives one generation: pulls events from a source, encodes them once into a reused
/// buffer, writes them to a sink, paces to the rate, reports progress and stops cleanly.
///
/// Pacing follows a monotonic clock in batches of about 5 ms of records: record *n* is due
/// `n / rate` seconds after the start, and the run sleeps only when it is ahead, so the
/// achieved rate does not drift with per-record costs.
///
/// - Important: The run executes on a thread of its own (a task executor preference), so
///   file writes and the sink's blocking calls never occupy the cooperative pool.
public struct GeneratorRun: Sendable {
    /// Transactions per second when pacing.
    public var rate: Double = 1000
    /// Generate without pacing.
    public var asFastAsPossible = false
    /// Stop after this many transactions.
    public var count: Int?
    /// Stop after this much wall time.
    public var duration: Duration?
    /// Stamp wall-clock event times (`--clock real`) instead of the source's.
    public var stampsWallClock = false
    /// How often progress is reported.
    public var progressInterval: Duration = .seconds(1)
    /// With `--history`: the event time at which the live part starts. Events before it are
    /// history, written first as fast as possible with the source's own event times (never
    /// wall-stamped), counted in ``GeneratorProgress/historyTransactions`` and toward neither
    /// ``count`` nor ``duration``; pacing, limits and wall-clock stamping start after them.
    public var historyEnd: EventTime?

    /// Creates a run with the defaults: 1,000 transactions per second, no limit, source times.
    public init() {}

    /// Creates a run with the pacing, limits and clock of validated options.
    public init(options: GeneratorOptions) {
        rate = options.rate
        asFastAsPossible = options.asFastAsPossible
        count = options.count
        duration = options.duration
        stampsWallClock = options.clock == .real
        historyEnd = options.history == nil ? nil : options.liveStart
    }

    /// Writes the history (if ``historyEnd`` is set), then runs until the source ends, a limit
    /// is reached or `stop` fires, then emits the pending labels of transactions already
    /// written and finishes the sink.
    ///
    /// - Parameters:
    ///   - source: Where events come from; left positioned after the last event taken.
    ///   - sink: Where records go; finished (flushed and closed) before returning.
    ///   - stop: Fires to end the run early, as on SIGINT.
    ///   - progress: Called every ``progressInterval`` and once at the end (with `isFinal`), on the run's thread.
    /// - Returns: The final counts.
    /// - Throws: What the source or sink threw; the sink is still finished when possible.
    public func run<Source: GeneratorEventSource>(
        source: inout Source,
        sink: some GeneratorSink,
        stop: GeneratorStopSignal = GeneratorStopSignal(),
        progress: @escaping (GeneratorProgress) -> Void = { _ in }
    ) async throws -> GeneratorProgress {
        let executor = DedicatedThread(name: "fraudstream-generate")
        defer { executor.shutdown() }
        return try await withTaskExecutorPreference(executor) {
            var loop = Loop(run: self, progress: progress)
            do {
                try await loop.writeHistory(from: &source, to: sink, stop: stop)
                try await loop.generate(from: &source, to: sink, stop: stop)
                try await loop.drain(&source, to: sink)
            } catch {
                try? await sink.finish()
                throw error
            }
            try await sink.finish()
            return loop.finish(sink)
        }
    }

    /// The state of one run.
    private struct Loop {
        let run: GeneratorRun
        let progress: (GeneratorProgress) -> Void
        let clock = ContinuousClock()
        var started: ContinuousClock.Instant
        /// The first live event, read while looking for the end of the history.
        var carried: SimulatedEvent?
        var inHistory = false
        /// The wall-clock `labeled_at` given to the previous label.
        var lastLabelMillis: Int64 = .min
        var counts = GeneratorProgress()
        var buffer: [UInt8] = []
        var lastReport: (instant: ContinuousClock.Instant, transactions: Int)

        init(run: GeneratorRun, progress: @escaping (GeneratorProgress) -> Void) {
            self.run = run
            self.progress = progress
            started = clock.now
            lastReport = (started, 0)
            buffer.reserveCapacity(512)
        }

        /// Writes the events before ``GeneratorRun/historyEnd`` as fast as possible, then
        /// restarts the clock the live part is paced and limited by.
        mutating func writeHistory<Source: GeneratorEventSource>(from source: inout Source, to sink: some GeneratorSink, stop: GeneratorStopSignal) async throws {
            guard let end = run.historyEnd?.millisecondsSinceEpoch else { return }
            inHistory = true
            defer { inHistory = false }
            var written = 0
            while !stop.isStopRequested {
                guard let event = try source.nextEvent() else { return }
                let time: Int64 = switch event {
                case .transaction(let transaction, _): transaction.timestamp.millisecondsSinceEpoch
                case .label(let label): label.labeledAt.millisecondsSinceEpoch
                }
                if time >= end {
                    carried = event
                    break
                }
                _ = try await write(event, to: sink)
                written += 1
                if written % 4096 == 0, clock.now - lastReport.instant >= run.progressInterval { report(clock.now, sink) }
            }
            started = clock.now
            lastReport = (started, 0)
        }

        mutating func generate<Source: GeneratorEventSource>(from source: inout Source, to sink: some GeneratorSink, stop: GeneratorStopSignal) async throws {
            let batchSize = run.asFastAsPossible ? 4096 : max(1, min(2048, Int(run.rate / 200)))
            let deadline = run.duration.map { started + $0 }
            while !stop.isStopRequested {
                if let count = run.count, counts.transactions >= count { return }
                let now = clock.now
                if let deadline, now >= deadline { return }
                if now - lastReport.instant >= run.progressInterval { report(now, sink) }
                if !run.asFastAsPossible {
                    let due = started + .seconds(Double(counts.transactions) / run.rate)
                    if due > now {
                        var wake = min(due, lastReport.instant + run.progressInterval)
                        if let deadline { wake = min(wake, deadline) }
                        do { try await Task.sleep(until: wake, clock: clock) } catch { return }
                        continue
                    }
                }
                let limit = run.count.map { Swift.min(batchSize, $0 - counts.transactions) } ?? batchSize
                var written = 0
                while written < limit {
                    let next: SimulatedEvent?
                    if let event = carried {
                        (next, carried) = (event, nil)
                    } else {
                        next = try source.nextEvent()
                    }
                    guard let event = next else { return }
                    if try await write(event, to: sink) { written += 1 }
                }
            }
        }

        /// Writes one event; returns whether it was a transaction.
        private mutating func write(_ event: SimulatedEvent, to sink: some GeneratorSink) async throws -> Bool {
            buffer.removeAll(keepingCapacity: true)
            switch event {
            case .transaction(var transaction, let truth):
                // History keeps the source's event times; the live part may be wall-stamped.
                if run.stampsWallClock && !inHistory {
                    transaction.timestamp = EventTime(millisecondsSinceEpoch: Self.wallMillis() - truth.emissionDelay.inMilliseconds)
                }
                transaction.encode(into: &buffer)
                try await sink.writeTransaction(buffer, key: transaction.accountFrom, timestampMillis: transaction.timestamp.millisecondsSinceEpoch)
                if inHistory {
                    counts.historyTransactions += 1
                } else {
                    counts.transactions += 1
                    if truth.isFraud { counts.fraud += 1 }
                }
                return true
            case .label(let label):
                try await writeLabel(label, to: sink)
                return false
            }
        }

        private mutating func writeLabel(_ label: Label, to sink: some GeneratorSink) async throws {
            var label = label
            if run.stampsWallClock && !inHistory {
                // Strictly increasing, so that a correction drained at the end of a run in the
                // same millisecond as the verdict it corrects still comes later and wins.
                lastLabelMillis = max(Self.wallMillis(), lastLabelMillis + 1)
                label.labeledAt = EventTime(millisecondsSinceEpoch: lastLabelMillis)
            }
            buffer.removeAll(keepingCapacity: true)
            label.encode(into: &buffer)
            try await sink.writeLabel(buffer, key: label.id, timestampMillis: label.labeledAt.millisecondsSinceEpoch)
            counts.labels += 1
        }

        mutating func drain<Source: GeneratorEventSource>(_ source: inout Source, to sink: some GeneratorSink) async throws {
            for label in source.drainLabels() {
                try await writeLabel(label, to: sink)
            }
        }

        private mutating func report(_ now: ContinuousClock.Instant, _ sink: some GeneratorSink) {
            let interval = (now - lastReport.instant).seconds
            counts.elapsed = now - started
            counts.currentRate = interval > 0 ? Double(counts.transactions - lastReport.transactions) / interval : 0
            counts.deliveryErrors = sink.deliveryErrors
            counts.lastDeliveryError = sink.lastDeliveryError
            lastReport = (now, counts.transactions)
            progress(counts)
        }

        mutating func finish(_ sink: some GeneratorSink) -> GeneratorProgress {
            counts.elapsed = clock.now - started
            counts.currentRate = counts.averageRate
            counts.deliveryErrors = sink.deliveryErrors
            counts.lastDeliveryError = sink.lastDeliveryError
            counts.isFinal = true
            progress(counts)
            return counts
        }

        static func wallMillis() -> Int64 {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
        }
    }
}
