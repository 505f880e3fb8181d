import FraudCore
import Foundation
@testable import Generator
import Testing

@Suite("Pacing")
struct RateTests {
    /// Pacing bounds that follow from the settings, not from this machine's speed: record *n*
    /// is due `n / rate` after the start and is never written earlier, so at every report the
    /// count is at most `rate × elapsed` plus one batch (`rate / 200` records). The run never
    /// ends before `--duration`. The lower bounds allow the generator to fall behind by up to
    /// a quarter of a second (a busy 2-core machine), far less than a run that ignored the rate
    /// or stopped pacing would show.
    @Test("--rate 2000 for 2.5 s is never ahead of schedule, ends no earlier than 2.5 s and reaches the rate")
    func rateIsHonoured() async throws {
        let rate = 2000.0
        var run = GeneratorRun()
        run.rate = rate
        run.duration = .milliseconds(2500)
        run.progressInterval = .milliseconds(500)
        let batch = Double(max(1, min(2048, Int(rate / 200))))
        let path = temporaryPath("tx.jsonl")
        let sink = try FileSink(transactionsPath: path, labelsPath: nil)
        var simulator = TransactionSimulator(settings: SimulationSettings())
        var reports: [GeneratorProgress] = []
        let summary = try await run.run(source: &simulator, sink: sink) { reports.append($0) }

        #expect(summary.elapsed >= .milliseconds(2500), "stopped early: \(summary.elapsed)")
        #expect(try lines(of: path).count == summary.transactions)
        #expect(Double(summary.transactions) <= rate * 2.5 + batch, "ahead of schedule: \(summary.transactions)")
        #expect(Double(summary.transactions) >= rate * (2.5 - 0.25), "behind schedule: \(summary.transactions)")
        #expect(reports.count >= 5 && reports.last!.isFinal)
        for report in reports.dropLast() {
            let due = rate * report.elapsed.seconds
            #expect(Double(report.transactions) <= due + batch, "ahead at \(report.elapsed): \(report.transactions) > \(due)")
            #expect(Double(report.transactions) >= due - rate * 0.25, "behind at \(report.elapsed): \(report.transactions) < \(due)")
        }
    }

    /// A stop while transactions are out but their labels are not yet due (a label follows its
    /// transaction by minutes of event time; a few hundred records span seconds of it): the run
    /// ends, and every label owed for what was written is in the labels file, none for
    /// anything else.
    @Test("a stop request ends the run with the labels still pending for written transactions in the labels file")
    func stopEndsRun() async throws {
        var run = GeneratorRun()
        run.rate = 2000
        run.progressInterval = .milliseconds(200)
        let stop = GeneratorStopSignal()
        let transactionsPath = temporaryPath("tx.jsonl")
        let labelsPath = temporaryPath("labels.jsonl")
        let sink = try FileSink(transactionsPath: transactionsPath, labelsPath: labelsPath)
        var simulator = TransactionSimulator(settings: SimulationSettings())
        var labelsBeforeStop = -1
        let summary = try await run.run(source: &simulator, sink: sink, stop: stop) { report in
            if !stop.isStopRequested && report.transactions >= 400 {
                labelsBeforeStop = report.labels
                stop.stop()
            }
        }

        #expect(summary.isFinal && summary.transactions >= 400)
        #expect(summary.transactions < 400 + 2000, "the run went on after the stop: \(summary.transactions)")
        let written = try lines(of: transactionsPath).map { line in
            try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])["id"] as! String
        }
        #expect(written.count == summary.transactions)
        let decoder = LabelDecoder()
        let labels = try lines(of: labelsPath).map { line in
            try Array(line.utf8).withUnsafeBytes { try decoder.decode($0) }
        }
        #expect(labels.count == summary.labels)
        #expect(labelsBeforeStop >= 0 && labels.count > labelsBeforeStop, "no label was pending at the stop, or none was written after it")
        #expect(Set(labels.map(\.id)).isSubset(of: Set(written)), "a label for a transaction that was never written")
        // Every fraud written is labelled fraud by its latest label.
        var latest: [String: Label] = [:]
        for label in labels { latest[label.id] = label }
        #expect(latest.values.filter(\.isFraud).count == summary.fraud, "fraud written: \(summary.fraud)")
        #expect(summary.fraud > 0)
    }

    @Test("a file that cannot be created gives an error naming it")
    func unwritableFile() {
        #expect {
            _ = try FileSink(transactionsPath: "/nonexistent-folder/tx.jsonl", labelsPath: nil)
        } throws: { error in
            "\(error)".contains("--output: cannot create /nonexistent-folder/tx.jsonl")
        }
    }
}
