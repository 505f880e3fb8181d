import FraudCore
import Testing

/// Snapshot and restore: a partition moved between processes continues exactly as if it had not moved.
@Suite struct SnapshotTests {
    @Test(arguments: [11, 12, 13, 14] as [UInt64], RandomStreams.configurations.indices)
    func restoreAtRandomCutPointsEqualsUninterruptedRun(seed: UInt64, configurationIndex: Int) throws {
        let configuration = RandomStreams.configurations[configurationIndex]
        let stream = RandomStreams.stream(seed: seed, count: 2_000)
        var uninterrupted = try FeatureEngine(configuration: configuration)
        let expected = stream.map { uninterrupted.process($0).values.map(\.bitPattern) }

        var random = SeededGenerator(seed: seed)
        let cuts = (0..<4).map { _ in Int.random(in: 0...stream.count, using: &random) }.sorted()
        var engine = try FeatureEngine(configuration: configuration)
        var actual: [[UInt64]] = []
        var position = 0
        for cut in cuts + [stream.count] {
            for transaction in stream[position..<cut] {
                actual.append(engine.process(transaction).values.map(\.bitPattern))
            }
            position = cut
            let bytes = engine.snapshot()
            engine = try FeatureEngine(restoring: bytes, configuration: configuration)
            #expect(engine.snapshot() == bytes, "a restored engine snapshots to the same bytes")
        }
        #expect(actual == expected)
        #expect(engine.snapshot() == uninterrupted.snapshot())
        #expect(engine.counters.residentAccounts == uninterrupted.counters.residentAccounts)
    }

    @Test func emptyEngineRoundTrips() throws {
        let engine = try FeatureEngine()
        let restored = try FeatureEngine(restoring: engine.snapshot(), configuration: FeatureConfiguration())
        #expect(restored.snapshot() == engine.snapshot())
        #expect(restored.counters.residentAccounts == 0)
    }

    @Test func snapshotStartsWithMagicAndVersion() throws {
        var engine = try FeatureEngine()
        _ = engine.process(Examples.transaction(at: 0, amount: 5, from: "C1", to: "C2"))
        let bytes = engine.snapshot()
        #expect(Array(bytes.prefix(8)) == Array("FSFS".utf8) + [2, 0, 2, 0], "format version 2, feature schema version 2")
    }

    @Test func everyTruncationIsRejected() throws {
        let bytes = try Self.sampleSnapshot()
        for length in [0, 3, 5, 10, 16, 40, bytes.count / 2, bytes.count - 1] {
            #expect {
                try FeatureEngine(restoring: Array(bytes.prefix(length)), configuration: FeatureConfiguration())
            } throws: { error in
                let code = (error as? FeatureSnapshotError)?.code
                return code == .truncated || (length < 4 && code == .notASnapshot)
            }
        }
    }

    @Test func damagedBytesAreRejectedAsCorrupt() throws {
        let bytes = try Self.sampleSnapshot()
        for position in stride(from: 16, to: bytes.count, by: 7) {
            var damaged = bytes
            damaged[position] ^= 0x40
            let error = #expect(throws: FeatureSnapshotError.self) {
                try FeatureEngine(restoring: damaged, configuration: FeatureConfiguration())
            }
            #expect(error?.code == .corrupt)
        }
        let extended = bytes + [0]
        let error = #expect(throws: FeatureSnapshotError.self) {
            try FeatureEngine(restoring: extended, configuration: FeatureConfiguration())
        }
        #expect(error?.code == .corrupt)
    }

    @Test func unknownVersionAndForeignBytesAreNamed() throws {
        var bytes = try Self.sampleSnapshot()
        bytes[4] = 9
        let version = #expect(throws: FeatureSnapshotError.self) {
            try FeatureEngine(restoring: bytes, configuration: FeatureConfiguration())
        }
        #expect(version?.code == .unsupportedVersion)
        #expect(version?.description.contains("format version 9 is not supported") == true)

        let foreign = #expect(throws: FeatureSnapshotError.self) {
            try FeatureEngine(restoring: Array("{\"not\":\"a snapshot\"}".utf8), configuration: FeatureConfiguration())
        }
        #expect(foreign?.code == .notASnapshot)
    }

    @Test func anotherConfigurationIsRefused() throws {
        let bytes = try Self.sampleSnapshot()
        var other = FeatureConfiguration()
        other.dayVersions = 3
        let error = #expect(throws: FeatureSnapshotError.self) {
            try FeatureEngine(restoring: bytes, configuration: other)
        }
        #expect(error?.code == .configurationMismatch)
    }

    static func sampleSnapshot() throws -> [UInt8] {
        var engine = try FeatureEngine()
        for transaction in RandomStreams.stream(seed: 99, count: 300) {
            _ = engine.process(transaction)
        }
        return engine.snapshot()
    }
}
