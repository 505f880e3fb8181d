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

    /// xoshiro256** seeded through SplitMix64, as its authors publish it: the first outputs for
    /// seed 0 are the reference algorithm's (computed independently from the published
    /// recurrences), so a change of algorithm or of seeding shows here, not only a change
    /// between two generators of one build.
    @Test("the generator's random numbers for seed 0 are xoshiro256**'s published ones")
    func randomSequenceIsStable() {
        var random = Xoshiro256StarStar(seed: 0)
        let values = (0..<3).map { _ in random.next() }
        #expect(values == [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A, 0x1A5F_849D_4933_E6E0])
        var unitRandom = Xoshiro256StarStar(seed: 0)
        #expect(unitRandom.unit() == Double(UInt64(0x99EC_5F36_CB75_F2B4) >> 11) * 0x1.0p-53)
        var spread = Xoshiro256StarStar(seed: 1)
        let units = (0..<10_000).map { _ in spread.unit() }
        #expect(units.allSatisfy { $0 >= 0 && $0 < 1 })
        let mean = units.reduce(0, +) / Double(units.count)
        #expect(abs(mean - 0.5) < 0.02)
    }

    /// The simulated stream for a seed is pinned by its first transaction and a digest of its
    /// first 2,000 events: a change to the simulation (population, scenarios, amounts, order)
    /// changes them and must be made on purpose, with these values updated in the same commit.
    @Test("seed 7's stream is pinned: its first transaction and the digest of 2,000 events")
    func simulatedStreamIsPinned() throws {
        let bytes = encodedStream(seed: 7, events: 2000)
        let firstLine = String(decoding: bytes.prefix { $0 != 0x0A }, as: UTF8.self)
        #expect(firstLine == Self.seed7FirstLine)
        #expect(Self.fnv1a(bytes) == Self.seed7Digest, "digest \(String(Self.fnv1a(bytes), radix: 16))")
    }

    static let seed7FirstLine = #"{"id":"T3t8x-0","timestamp":"2026-01-01T00:00:00.000Z","type":"CASH_OUT","amount":305.24,"account_from":"C551217798","old_balance_from":2093.44,"new_balance_from":1788.2,"account_to":"M105030031","old_balance_to":0.0,"new_balance_to":0.0}"#
    static let seed7Digest: UInt64 = 0x7C4C18F1D3FF6C35

    /// 64-bit FNV-1a, to pin a byte string without storing it.
    private static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01B3
        }
        return hash
    }
}
