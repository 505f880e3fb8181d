import Foundation
import FraudModel
import FraudPipeline
import Histogram
import Kafka
import Logging

/// One steady-rate run: a worker scores what a generator child produces at `rate` per second
/// for the run's duration; latency percentiles come from the worker's histogram (record
/// timestamp, the produce time, to the commit of the row's database transaction), for the
/// whole run and for its steady part; a consumer of the alerts topic measures the time from
/// produce to alert.
struct LatencyRun {
    /// The start of a run left out of the steady-state figures: connections' first statements,
    /// the first batches' allocations, the broker's first fetches.
    static let warmUp = Duration.seconds(5)

    let environment: LoadTestEnvironment
    let rate: Int
    let model: ModelFile
    let modelVersion: String
    let progress: @Sendable (String) -> Void
    let logger: Logger

    func run() async throws -> LoadTestFigures.Latency {
        let options = environment.options
        let id = ThroughputRun.runID()
        let topic = "loadtest_\(id)"
        let (brokers, broker) = try await environment.kafka(
            topics: [topic: options.partitions, topic + "_labels": 4, topic + "_alerts": 4], name: "broker-\(rate)")
        defer { if let broker { Task { await broker.stop() } } }
        var figures = LoadTestFigures.Latency()
        figures.rate = rate

        let (worker, running) = try await environment.startWorker(
            brokers: brokers, topic: topic, id: id, partitions: options.partitions, model: model, modelVersion: modelVersion)
        defer { worker.stop() }
        _ = worker.metrics.takeIntervalLatency()
        let before = worker.metrics.snapshot()

        // The alerts, read as they come; the consumer joins while the generator starts.
        var alertConfiguration = KafkaConsumerConfiguration(bootstrapServers: brokers, groupID: "loadtest-alerts-\(id)", topics: [topic + "_alerts"])
        alertConfiguration.sessionTimeout = .seconds(6)
        alertConfiguration.initialOffset = .beginning
        alertConfiguration.fetchMaxWait = .milliseconds(10)
        let alertConsumer = try KafkaConsumer(configuration: alertConfiguration, logger: logger)
        let alerts = AlertLatencies()
        let alertReader = Task {
            for try await event in alertConsumer.events {
                if case .records(let batch) = event { alerts.add(batch.records) }
            }
        }
        var steady = Histogram<UInt64>(highestTrackableValue: WorkerMetrics.latencyCeiling, numberOfSignificantValueDigits: .three)

        progress("latency: \(rate)/s for \(options.duration)")
        let linger = options.generatorLinger.map { ["--kafka-property", "linger.ms=\(Int(($0.seconds * 1000).rounded()))"] } ?? []
        let generator = try environment.generator([
            "--brokers", brokers.joined(separator: ","), "--topic", topic, "--labels-topic", topic + "_labels",
            "--partitions", String(options.partitions), "--clock", "real", "--rate", String(rate),
            "--duration", "\(Int(options.duration.seconds))s", "--accounts", "100000", "--seed", String(options.seed),
        ] + linger, name: "generate-\(rate)")
        ProcessStatistics.resetPeak()
        let startCPU = ProcessStatistics.cpuSeconds()
        let start = ContinuousClock.now
        // Who used the machine's cores while the generator ran, sampled each second (the
        // generator's figures end with its last sample, a second or less before it exits).
        // This process alone (its children, the broker and the generator, are counted apart),
        // then the children's and the database's process trees, from one read of /proc.
        let trees: [(name: String, pid: Int32)] = [broker.map { ("broker", $0.process.processIdentifier) }, ("generator", generator.process.processIdentifier)]
            .compactMap { $0 } + (environment.databaseServerProcessID.map { [("PostgreSQL", $0)] } ?? [])
        let processNames = ["load test and worker"] + trees.map(\.name)
        func sampleCPU() -> (at: ContinuousClock.Instant, processes: [Double], machine: (busy: Double, total: Double)) {
            (ContinuousClock.now, [ProcessStatistics.cpuSeconds()] + ProcessStatistics.cpuSeconds(ofProcessTrees: trees.map(\.pid)),
             ProcessStatistics.machineCPUSeconds())
        }
        let firstSample = sampleCPU()
        var lastSample = firstSample
        var previous = before
        while true {
            try await Task.sleep(for: .seconds(1))
            let now = worker.metrics.snapshot()
            let interval = worker.metrics.takeIntervalLatency()
            let elapsed = (ContinuousClock.now - start).seconds
            func ms(_ percentile: Double) -> Double {
                interval.totalCount == 0 ? 0 : Double(interval.valueAtPercentile(percentile)) / 1000
            }
            figures.timeline.append((elapsed, ms(50), ms(99), ms(99.9), Double(now.scored - previous.scored)))
            // The interval covers the second before `elapsed`.
            if elapsed - 1 >= Self.warmUp.seconds { steady.add(interval) }
            previous = now
            if generator.process.isRunning {
                lastSample = sampleCPU()
                figures.maxLag = max(figures.maxLag, now.totalLag)
                progress("latency \(rate)/s: \(Int(elapsed))s scored \(now.scored - before.scored), lag \(now.totalLag), "
                    + "p50 \(String(format: "%.1f", ms(50))) ms, p99 \(String(format: "%.1f", ms(99))) ms; sink writes: p50 "
                    + "\(now.sinkWriteDuration.valueAtPercentile(50) / 1000) ms, \(now.sinkBatchRows.valueAtPercentile(50)) rows")
                continue
            }
            break
        }
        let window = (lastSample.at - firstSample.at).seconds
        if window >= 1 {
            figures.cpuCores = zip(processNames, zip(firstSample.processes, lastSample.processes)).map { name, seconds in
                (name, (seconds.1 - seconds.0) / window)
            }
            let total = lastSample.machine.total - firstSample.machine.total
            figures.machineBusy = total > 0 ? (lastSample.machine.busy - firstSample.machine.busy) / total : nil
        }
        figures.machineCores = ProcessInfo.processInfo.activeProcessorCount
        try await generator.waitForSuccess()
        let produced = try Self.generatedCount(generator.output)
        let generatorDone = ContinuousClock.now
        let deadline = generatorDone + .seconds(120)
        while worker.metrics.snapshot().scored - before.scored < produced, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let catchUp = ContinuousClock.now - generatorDone
        let after = worker.metrics.snapshot()
        figures.transactions = after.scored - before.scored
        figures.seconds = (ContinuousClock.now - start).seconds
        figures.cpuSecondsPerMillion = (ProcessStatistics.cpuSeconds() - startCPU) / Double(max(figures.transactions, 1)) * 1_000_000
        figures.peakResidentBytes = ProcessStatistics.peakResidentBytes()
        let histogram = after.endToEndLatency
        func ms(_ percentile: Double) -> Double { Double(histogram.valueAtPercentile(percentile)) / 1000 }
        // The worker had its partitions before the generator started, so its whole histogram
        // belongs to this run.
        (figures.p50, figures.p90, figures.p99, figures.p999, figures.max) = (ms(50), ms(90), ms(99), ms(99.9), Double(histogram.max) / 1000)
        func milliseconds(_ histogram: Histogram<UInt64>) -> (p50: Double, p99: Double, p999: Double)? {
            guard histogram.totalCount > 0 else { return nil }
            return (Double(histogram.valueAtPercentile(50)) / 1000, Double(histogram.valueAtPercentile(99)) / 1000, Double(histogram.valueAtPercentile(99.9)) / 1000)
        }
        figures.scoring = milliseconds(after.scoringLatency)
        figures.sinkWrite = milliseconds(after.sinkWriteDuration)
        figures.rowsPerWrite = Int(after.sinkBatchRows.valueAtPercentile(50))
        if steady.totalCount > 0 {
            func steadyMs(_ percentile: Double) -> Double { Double(steady.valueAtPercentile(percentile)) / 1000 }
            figures.steady = (steadyMs(50), steadyMs(99), steadyMs(99.9))
        }
        // Every flagged row's alert, or 10 s for the relay to send the last ones.
        let flagged = after.flagged - before.flagged
        let alertDeadline = ContinuousClock.now + .seconds(10)
        while alerts.count < flagged, ContinuousClock.now < alertDeadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        await alertConsumer.close()
        _ = try? await alertReader.value
        figures.alerts = alerts.count
        figures.timeToAlert = alerts.percentiles()
        // Kept up: the lag never exceeded one second's worth of records, and everything was
        // scored within a second of the generator's end.
        figures.keptUp = figures.transactions >= produced && figures.maxLag <= Int64(rate) && catchUp <= .seconds(1)
        worker.stop()
        try await running.value
        return figures
    }

    /// The transaction count from the generator's final line (`generate finished: …, 300,000 tx …`).
    static func generatedCount(_ output: String) throws -> Int {
        guard let line = output.split(separator: "\n").last(where: { $0.contains("generate finished") }),
              let match = line.firstMatch(of: /([0-9][0-9,]*) tx\b/),
              let count = Int(match.1.filter(\.isNumber))
        else {
            throw LoadTestError("could not read the generator's count from its output: \(output.suffix(300))")
        }
        return count
    }
}
