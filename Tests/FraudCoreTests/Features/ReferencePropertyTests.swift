import FraudCore
import Testing

/// The engine against the brute-force reference, feature by feature, bit for bit.
@Suite struct ReferencePropertyTests {
    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64], RandomStreams.configurations.indices)
    func engineMatchesReference(seed: UInt64, configurationIndex: Int) throws {
        let configuration = RandomStreams.configurations[configurationIndex]
        let stream = RandomStreams.stream(seed: seed &* 7919 &+ UInt64(configurationIndex), count: 3_000)
        var engine = try FeatureEngine(configuration: configuration)
        var reference = ReferenceFeatures(configuration: configuration)
        var lateCount: UInt64 = 0
        for (position, transaction) in stream.enumerated() {
            let actual = engine.process(transaction).values
            let expected = reference.process(transaction)
            lateCount += expected[FeatureSchema.Feature.late.rawValue] == 1 ? 1 : 0
            let mismatch = actual.indices.first { actual[$0].bitPattern != expected[$0].bitPattern }
            if let mismatch {
                Issue.record("""
                    transaction \(position) (\(transaction.accountFrom) at \(transaction.timestamp)): \
                    \(FeatureSchema.current.featureNames[mismatch]) is \(actual[mismatch]), reference says \
                    \(expected[mismatch])
                    engine:    \(actual)
                    reference: \(expected)
                    """)
                return
            }
        }
        #expect(engine.counters.transactions == UInt64(stream.count))
        #expect(engine.counters.lateEvents == lateCount)
        // The stream must actually exercise the rules it checks.
        #expect(lateCount > 30)
        #expect(engine.counters.evictions > 0)
    }
}
