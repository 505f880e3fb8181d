import FraudCore
import Foundation
@testable import Generator
import Testing

@Suite("Determinism")
struct DeterminismTests {
    /// Every event (transactions and labels), encoded, as one byte string.
    private func encodedStream(seed: UInt64, events: Int) -> [UInt8] {
        var settings = SimulationSettings()
        settings.seed = seed
        var simulator = TransactionSimulator(settings: settings)
        var bytes: [UInt8] = []
        for _ in 0..<events {
            switch simulator.next() {
            case .transaction(let transaction, _): transaction.encode(into: &bytes)
            case .label(let label): label.encode(into: &bytes)
            }
            bytes.append(0x0A)
        }
        return bytes
    }

    @Test("the same seed gives byte-identical output, a different seed does not")
    func sameSeedSameBytes() {
        let first = encodedStream(seed: 7, events: 20_000)
        let second = encodedStream(seed: 7, events: 20_000)
        let other = encodedStream(seed: 8, events: 20_000)
        #expect(first.count > 20_000 * 100)
        #expect(first == second)
        #expect(first != other)
    }

    @Test("a simulated-clock run to files is reproducible byte for byte, event times included")
    func fileRunsAreReproducible() async throws {
        var outputs: [[String]] = []
        for _ in 0..<2 {
            var flags = GeneratorFlags()
            flags.clock = "simulated"
            flags.seed = "99"
            flags.count = "5000"
            flags.max = true
            flags.output = temporaryPath("tx.jsonl")
            flags.labelsOutput = temporaryPath("labels.jsonl")
            let options = try GeneratorOptions(flags: flags, environment: [:])
            let summary = try await GeneratorRun.run(options: options)
            #expect(summary.transactions == 5000)
            outputs.append(try lines(of: flags.output!) + lines(of: flags.labelsOutput!))
        }
        #expect(outputs[0].count > 5000)
        #expect(outputs[0] == outputs[1])
        let first = try TransactionDecoder().decode(Array(outputs[0][0].utf8))
        #expect(first.timestamp == EventTime(rfc3339: "2026-01-01T00:00:00Z"))
    }

    @Test("the generator's own random numbers are fixed for a seed")
    func randomSequenceIsStable() {
        var random = Xoshiro256StarStar(seed: 0)
        let values = (0..<3).map { _ in random.next() }
        var again = Xoshiro256StarStar(seed: 0)
        #expect(values == (0..<3).map { _ in again.next() })
        #expect(Set(values).count == 3)
        var unitRandom = Xoshiro256StarStar(seed: 1)
        let units = (0..<10_000).map { _ in unitRandom.unit() }
        #expect(units.allSatisfy { $0 >= 0 && $0 < 1 })
        let mean = units.reduce(0, +) / Double(units.count)
        #expect(abs(mean - 0.5) < 0.02)
    }
}
