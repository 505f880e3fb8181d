import Foundation
import FraudModel
import FraudPipeline
import Kafka
import Logging
import Postgres

/// The throughput measurement: pre-fill a topic, check the broker kept every record, time a
/// plain consumer draining it (the source's ceiling), time the worker draining it into
/// PostgreSQL, then measure the pipeline and COPY ceilings on the same records.
struct ThroughputRun {
    let environment: LoadTestEnvironment
    let model: ModelFile
    let modelVersion: String
    let progress: @Sendable (String) -> Void
    let logger: Logger

    func run() async throws -> LoadTestFigures.Throughput {
        let options = environment.options
        let id = Self.runID()
        let topic = "loadtest_\(id)"
        let (brokers, broker) = try await environment.kafka(topics: [topic: options.partitions, topic + "_labels": 4], name: "broker-throughput")
        defer { if let broker { Task { await broker.stop() } } }
        var figures = LoadTestFigures.Throughput()
        figures.transactions = options.count
        figures.partitions = options.partitions
        figures.accounts = options.accounts

        progress("throughput: generating \(options.count) transactions over \(options.accounts) accounts into \(options.partitions) partitions")
        let generator = try environment.generator([
            "--brokers", brokers.joined(separator: ","), "--topic", topic, "--labels-topic", topic + "_labels",
            "--partitions", String(options.partitions), "--clock", "simulated", "--max", "--rate", "1000",
            "--accounts", String(options.accounts), "--count", String(options.count), "--seed", String(options.seed),
        ], name: "generate-throughput")
        try await generator.waitForSuccess()

        progress("throughput: a plain consumer drains the topic (the source's ceiling)")
        let source = try await SourceCeiling(brokers: brokers, topic: topic, partitions: options.partitions, expected: options.count, logger: logger).run()
        figures.sourceCeiling = source.recordsPerSecond
        figures.lostRecords = source.lostRecords
        guard source.lostRecords == 0 else {
            throw LoadTestError("the broker dropped \(source.lostRecords) records before they were read: use more --partitions (about 5 MiB per partition)")
        }

        progress("throughput: the worker drains the topic into PostgreSQL")
        try await drainWithWorker(brokers: brokers, topic: topic, id: id, into: &figures)

        progress("throughput: pipeline, encoding and COPY ceilings on the same records")
        let ceilings = try await ProcessingCeilings(
            brokers: brokers, topic: topic, expected: options.count, model: model, modelVersion: modelVersion,
            environment: environment, schema: "loadtest_\(id)", logger: logger).run()
        figures.pipelineCeiling = ceilings.pipelinePerSecond
        figures.encodingCeiling = ceilings.encodingPerSecond
        figures.copyCeiling = ceilings.copyPerSecond
        figures.copyWithoutRollupsCeiling = ceilings.copyWithoutRollupsPerSecond
        return figures
    }

    private func drainWithWorker(brokers: [String], topic: String, id: String, into figures: inout LoadTestFigures.Throughput) async throws {
        let options = environment.options
        let (worker, running) = try await environment.startWorker(
            brokers: brokers, topic: topic, id: id, partitions: options.partitions, model: model, modelVersion: modelVersion)
        defer { worker.stop() }
        ProcessStatistics.resetPeak()
        let startCPU = ProcessStatistics.cpuSeconds()
        let start = ContinuousClock.now
        var lastWritten = 0
        var lastSample = start
        while true {
            try await Task.sleep(for: .milliseconds(100))
            let counters = worker.metrics.snapshot()
            let done = counters.written + counters.alreadyWritten + counters.duplicates + counters.rejected
            let now = ContinuousClock.now
            if now - lastSample >= .seconds(1) || done >= options.count {
                let seconds = (now - lastSample).seconds
                figures.timeline.append(((now - start).seconds, Double(counters.written - lastWritten) / seconds))
                lastWritten = counters.written
                lastSample = now
                progress("throughput: \(done) of \(options.count) written (\(Int(figures.timeline.last!.rate))/s)")
            }
            if done >= options.count { break }
            if now - start > .seconds(1800) { throw LoadTestError("the worker did not drain the topic within 30 minutes") }
        }
        figures.seconds = (ContinuousClock.now - start).seconds
        figures.transactionsPerSecond = Double(options.count) / figures.seconds
        figures.cpuSecondsPerMillion = (ProcessStatistics.cpuSeconds() - startCPU) / Double(options.count) * 1_000_000
        figures.peakResidentBytes = ProcessStatistics.peakResidentBytes()
        worker.stop()
        try await running.value
    }

    static func runID() -> String {
        String(UInt64.random(in: 0..<UInt64.max) % 1_000_000_000, radix: 36)
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
