import FraudCore
import Testing

/// The same input gives the same bits, however it is batched.
@Suite struct DeterminismTests {
    @Test func theSameStreamTwiceGivesIdenticalVectorsAndSnapshots() throws {
        let stream = RandomStreams.stream(seed: 42, count: 3_000)
        var first = try FeatureEngine()
        var second = try FeatureEngine()
        for transaction in stream {
            #expect(first.process(transaction).isBitwiseIdentical(to: second.process(transaction)))
        }
        #expect(first.snapshot() == second.snapshot())
    }

    @Test(arguments: [1, 7, 250])
    func partitionActorBatchesMatchOneBigBatch(batchSize: Int) async throws {
        let stream = RandomStreams.stream(seed: 43, count: 2_000)
        var engine = try FeatureEngine()
        var whole = FeatureMatrix()
        engine.process(stream, into: &whole)

        let actor = try PartitionActor(partition: 3)
        var rows: [Double] = []
        for start in stride(from: 0, to: stream.count, by: batchSize) {
            let batch = Array(stream[start..<min(start + batchSize, stream.count)])
            let matrix = await actor.process(batch)
            #expect(matrix.rowCount == batch.count)
            rows += matrix.values
        }
        #expect(rows.map(\.bitPattern) == whole.values.map(\.bitPattern))
        #expect(await actor.snapshot() == engine.snapshot())
        #expect(await actor.counters == engine.counters)
    }

    @Test func matrixRowsAreTheSingleVectors() throws {
        let stream = RandomStreams.stream(seed: 44, count: 500)
        var batched = try FeatureEngine()
        var single = try FeatureEngine()
        var matrix = FeatureMatrix()
        batched.process(stream, into: &matrix)
        for (row, transaction) in zip(matrix, stream) {
            #expect(row.isBitwiseIdentical(to: single.process(transaction)))
        }
    }
}
