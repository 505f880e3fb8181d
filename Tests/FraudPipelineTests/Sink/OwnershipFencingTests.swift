import FraudPipeline
import Postgres
import TestSupport
import Testing

@Suite("Ownership epochs fence a partition's earlier owner")
struct OwnershipFencingTests {
    let group = "workers"
    let topic = "transactions"

    @Test("after another worker claims a partition, the earlier owner's write beyond the committed offset is refused whole, and the new owner's is stored")
    func staleOwnerIsRefused() async throws {
        try await withSink { sink, connection, schema in
            let offsets = OffsetStore(schema: schema)
            let first = try await offsets.claim(0, group: group, topic: topic, on: connection)
            #expect(first == .init(nextOffset: 0, ownerEpoch: 1))
            try await sink.write(
                scoredRows(partition: 0, offsets: 0..<10), nextOffsets: [0: 10], group: group, topic: topic, ownerEpochs: [0: 1])

            // Another worker takes the partition over; the first one does not know yet.
            let second = try await offsets.claim(0, group: group, topic: topic, on: connection)
            #expect(second == .init(nextOffset: 10, ownerEpoch: 2))
            // The stale owner's rows 10..<20 lie beyond the committed offset: without the epoch
            // they would be stored, scored by whatever model and settings the stale owner had.
            let stale = scoredRows(partition: 0, offsets: 10..<20) + scoredRows(partition: 1, offsets: 0..<5)
            let error = await #expect(throws: ScoredTransactionSinkError.self) {
                try await sink.write(stale, nextOffsets: [0: 20, 1: 5], group: group, topic: topic, ownerEpochs: [0: 1, 1: 1]) { _, _ in
                    Issue.record("the rest of a fenced write ran")
                }
            }
            #expect(error?.code == .fenced)
            #expect(error?.fencedPartitions == [0: 2, 1: 0], "partition 1 was never claimed: epoch 0 is not the writer's 1")
            #expect(error?.isRetryable == false)
            #expect(try await storedRows(connection, schema: schema).count == 10)
            #expect(try await committedOffsets(connection, schema: schema) == [0: 10])

            // The new owner writes the same offsets with its epoch.
            let summary = try await sink.write(
                scoredRows(partition: 0, offsets: 10..<20), nextOffsets: [0: 20], group: group, topic: topic, ownerEpochs: [0: 2])
            #expect(summary.written == 10)
            #expect(try await committedOffsets(connection, schema: schema)[0] == 20)
        }
    }

    @Test("an operator's reset moves the offset and the epoch, so the owner holding the partition is refused too; claims read back what reset wrote")
    func resetFencesTheHolder() async throws {
        try await withSink { sink, connection, schema in
            let offsets = OffsetStore(schema: schema)
            let holder = try await offsets.claim(3, group: group, topic: topic, on: connection)
            try await sink.write(
                scoredRows(partition: 3, offsets: 0..<50), nextOffsets: [3: 50], group: group, topic: topic, ownerEpochs: [3: holder.ownerEpoch])
            let previous = try await offsets.reset(3, to: 0, group: group, topic: topic, on: connection)
            #expect(previous == 50)
            #expect(try await offsets.claims(group: group, topic: topic, on: connection) == [3: .init(nextOffset: 0, ownerEpoch: holder.ownerEpoch + 1)])
            await #expect(throws: ScoredTransactionSinkError.self) {
                try await sink.write(
                    scoredRows(partition: 3, offsets: 50..<60), nextOffsets: [3: 60], group: group, topic: topic,
                    ownerEpochs: [3: holder.ownerEpoch])
            }
            #expect(try await offsets.reset(9, to: 7, group: group, topic: topic, on: connection) == nil, "a partition without a row has no previous offset")
            #expect(try await offsets.claims(group: group, topic: topic, on: connection)[9] == .init(nextOffset: 7, ownerEpoch: 1))
        }
    }
}
