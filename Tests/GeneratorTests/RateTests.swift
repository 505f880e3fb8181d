import FraudCore
import Foundation
@testable import Generator
import Testing

@Suite("Pacing")
struct RateTests {
    @Test("--rate 2000 for 2.5 s writes 2,000 transactions per second, within 3 %")
    func rateIsHonoured() async throws {
        var run = GeneratorRun()
        run.rate = 2000
        run.duration = .milliseconds(2500)
        let path = temporaryPath("tx.jsonl")
        let sink = try FileSink(transactionsPath: path, labelsPath: nil)
        var simulator = TransactionSimulator(settings: SimulationSettings())
        var reports: [GeneratorProgress] = []
        let summary = try await run.run(source: &simulator, sink: sink) { reports.append($0) }
        let rate = summary.averageRate
        #expect(abs(rate - 2000) / 2000 < 0.03, "achieved \(rate)/s")
        #expect(abs(summary.elapsed.seconds - 2.5) < 0.1)
        #expect(try lines(of: path).count == summary.transactions)
        #expect(reports.count >= 3 && reports.last!.isFinal)
        #expect(reports.dropLast().allSatisfy { abs($0.currentRate - 2000) < 200 }, "\(reports.map(\.currentRate))")
    }

    @Test("a stop request ends the run cleanly with pending labels written")
    func stopEndsRun() async throws {
        var run = GeneratorRun()
        run.asFastAsPossible = true
        let stop = GeneratorStopSignal()
        stop.stop()
        let sink = try FileSink(transactionsPath: temporaryPath("tx.jsonl"), labelsPath: temporaryPath("labels.jsonl"))
        var simulator = TransactionSimulator(settings: SimulationSettings())
        let summary = try await run.run(source: &simulator, sink: sink, stop: stop)
        #expect(summary.transactions == 0 && summary.isFinal)
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
