import FraudPipeline
import Postgres
import TestSupport
import Testing

@Suite("Two writers racing on one partition", .serialized)
struct ConcurrentWriterTests {
    let group = "workers"
    let topic = "transactions"

    /// Two workers that both believe they own partition 0 (a rebalance not yet seen by one of
    /// them) write overlapping batches from the same committed offset, on two connections of
    /// their own. A third session holds `stream_offsets` locked until both writes are waiting on
    /// it, so they are truly in flight together; then it lets go. Whichever commits first, the
    /// other must see its offset: every row once, the offset at the larger end, no duplicate.
    @Test("two sinks on two connections, both waiting on the same partition at once: every row stored once, the offset at the larger end, nothing recorded as a duplicate", arguments: [false, true])
    func racingWritersAreSerialised(partitionExists: Bool) async throws {
        try await withSink { _, connection, schema in
            let first = ScoredTransactionSink(connection: try await TestDatabase.connect(), schema: schema)
            let second = ScoredTransactionSink(connection: try await TestDatabase.connect(), schema: schema)
            let locker = try await TestDatabase.connect()
            let start: Int64 = partitionExists ? 40 : 0
            if partitionExists {
                try await first.write(scoredRows(partition: 0, offsets: 0..<40), nextOffsets: [0: 40], group: group, topic: topic)
            }

            for round in 0..<4 {
                let base = start + Int64(round) * 100
                // Each round the longer batch is queued first in one round and second in the next.
                let long = scoredRows(partition: 0, offsets: base..<base + 100)
                let short = scoredRows(partition: 0, offsets: base..<base + 60)
                let (earlier, later) = round % 2 == 0 ? (long, short) : (short, long)
                try await locker.execute("BEGIN")
                try await locker.execute("LOCK TABLE \(schema).stream_offsets IN ACCESS EXCLUSIVE MODE")
                let writeEarlier = Task { [group, topic] in
                    try await first.write(earlier, nextOffsets: [0: earlier.last!.offset + 1], group: group, topic: topic)
                }
                try await waitForLockWaiters(1, on: connection)
                let writeLater = Task { [group, topic] in
                    try await second.write(later, nextOffsets: [0: later.last!.offset + 1], group: group, topic: topic)
                }
                try await waitForLockWaiters(2, on: connection)
                try await locker.execute("COMMIT")
                let written = try await writeEarlier.value.written + writeLater.value.written
                #expect(written == 100, "round \(round): \(written) rows written for 100 distinct offsets")
                #expect(try await committedOffsets(connection, schema: schema) == [0: base + 100], "round \(round): the offset is not at the larger end")
            }

            let stored = try await storedRows(connection, schema: schema)
            let offsets = stored.map(\.offset).sorted()
            #expect(offsets == Array(0..<(start + 400)), "offsets stored: \(offsets.count), first gap or repeat near \(zip(offsets, 0...).first { $0 != $1 }.map { "\($0.0)" } ?? "none")")
            #expect(try await committedOffsets(connection, schema: schema) == [0: start + 400])
            #expect(try await rowCount(connection, schema, "duplicate_transactions") == 0)
            await first.connection.close()
            await second.connection.close()
            await locker.close()
        }
    }

    /// Waits until `count` sessions wait for a lock (the writers, queued behind the locker).
    private func waitForLockWaiters(_ count: Int, on connection: PostgresConnection) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let waiting = try await connection.query(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")[0][0, as: Int.self]
            if waiting >= count { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("\(count) writers never waited on the lock together")
    }
}
