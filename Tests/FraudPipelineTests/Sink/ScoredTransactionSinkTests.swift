import FraudCore
import FraudPipeline
import Postgres
import TestSupport
import Testing

@Suite("Scored transactions into PostgreSQL, exactly once")
struct ScoredTransactionSinkTests {
    let group = "workers"
    let topic = "transactions"

    @Test("10,000 rows are read back equal, in the same commit as their partitions' next offsets")
    func roundTrip() async throws {
        try await withSink { sink, connection, schema in
            var batch: [ScoredTransaction] = []
            for partition: Int32 in 0..<4 {
                batch += scoredRows(partition: partition, offsets: 100..<2_600)
            }
            batch.shuffle()
            let nextOffsets: [Int32: Int64] = [0: 2_600, 1: 2_600, 2: 2_600, 3: 2_600, 7: 42]
            let summary = try await sink.write(batch, nextOffsets: nextOffsets, group: group, topic: topic)
            #expect(summary == .init(written: 10_000, alreadyWritten: 0, duplicates: 0))

            let stored = try await storedRows(connection, schema: schema)
            let expected = batch.sorted { ($0.partition, $0.offset) < ($1.partition, $1.offset) }
            #expect(stored.count == expected.count)
            let mismatches = zip(stored, expected).filter { !sameRow($0, $1) }
            #expect(mismatches.isEmpty, "first mismatch: \(String(describing: mismatches.first))")
            #expect(try await committedOffsets(connection, schema: schema) == nextOffsets)
            let transactions = try await connection.query("""
                SELECT count(DISTINCT xid) FROM (
                    SELECT xmin::text AS xid FROM \(schema).scored_transactions
                    UNION ALL SELECT xmin::text FROM \(schema).stream_offsets
                ) rows
                """)
            #expect(try transactions[0][0, as: Int.self] == 1, "rows and offsets were committed by one transaction")
        }
    }

    @Test("a replayed batch writes nothing; a batch straddling the committed offset writes only its tail")
    func replay() async throws {
        try await withSink { sink, connection, schema in
            let first = scoredRows(partition: 0, offsets: 0..<1_000) + scoredRows(partition: 1, offsets: 0..<200)
            let offsets: [Int32: Int64] = [0: 1_000, 1: 200]
            #expect(try await sink.write(first, nextOffsets: offsets, group: group, topic: topic).written == 1_200)

            let replayed = try await sink.write(first, nextOffsets: offsets, group: group, topic: topic)
            #expect(replayed == .init(written: 0, alreadyWritten: 1_200, duplicates: 0))
            #expect(try await rowCount(connection, schema, "scored_transactions") == 1_200)

            let straddling = scoredRows(partition: 0, offsets: 500..<1_500) + scoredRows(partition: 1, offsets: 150..<250)
            let tail = try await sink.write(straddling, nextOffsets: [0: 1_500, 1: 250], group: group, topic: topic)
            #expect(tail == .init(written: 550, alreadyWritten: 550, duplicates: 0))
            #expect(try await rowCount(connection, schema, "scored_transactions") == 1_750)
            #expect(try await rowCount(connection, schema, "duplicate_transactions") == 0)
            #expect(try await committedOffsets(connection, schema: schema) == [0: 1_500, 1: 250])
            let stored = try await storedRows(connection, schema: schema)
            let expected = scoredRows(partition: 0, offsets: 0..<1_500) + scoredRows(partition: 1, offsets: 0..<250)
            #expect(stored.count == expected.count && zip(stored, expected).allSatisfy { sameRow($0, $1) })
        }
    }

    @Test("an id seen again at another offset, across batches or within one, is recorded as a duplicate and the rest is written")
    func duplicates() async throws {
        try await withSink { sink, connection, schema in
            let first = scoredRows(partition: 0, offsets: 0..<100)
            try await sink.write(first, nextOffsets: [0: 100], group: group, topic: topic)

            var second = scoredRows(partition: 0, offsets: 100..<200) + scoredRows(partition: 1, offsets: 0..<50)
            second[50] = scoredRow(id: "T-0-5", partition: 0, offset: 150)  // stored by the first batch
            second[60] = scoredRow(id: "twice", partition: 0, offset: 160)
            second[70] = scoredRow(id: "twice", partition: 0, offset: 170)  // earlier in this batch
            second[120] = scoredRow(id: "T-0-7", partition: 1, offset: 20)  // another partition
            let summary = try await sink.write(second, nextOffsets: [0: 200, 1: 50], group: group, topic: topic)
            #expect(summary == .init(written: 147, alreadyWritten: 0, duplicates: 3))
            #expect(try await rowCount(connection, schema, "scored_transactions") == 247)
            let recorded = try await connection.query("""
                SELECT transaction_id, kafka_partition, kafka_offset FROM \(schema).duplicate_transactions
                ORDER BY kafka_partition, kafka_offset
                """)
            let duplicates = try recorded.map { "\(try $0[0, as: String.self])@\(try $0[1, as: Int32.self]):\(try $0[2, as: Int64.self])" }
            #expect(duplicates == ["T-0-5@0:150", "twice@0:170", "T-0-7@1:20"])
            let kept = try await connection.query("""
                SELECT transaction_id, kafka_offset FROM \(schema).scored_transactions
                WHERE transaction_id IN ('T-0-5', 'twice', 'T-0-7') ORDER BY transaction_id
                """)
            #expect(try kept.map { "\(try $0[0, as: String.self]):\(try $0[1, as: Int64.self])" } == ["T-0-5:5", "T-0-7:7", "twice:160"])
            #expect(try await committedOffsets(connection, schema: schema) == [0: 200, 1: 50])

            // Replaying it records nothing new.
            let replayed = try await sink.write(second, nextOffsets: [0: 200, 1: 50], group: group, topic: topic)
            #expect(replayed == .init(written: 0, alreadyWritten: 150, duplicates: 0))
            #expect(try await rowCount(connection, schema, "duplicate_transactions") == 3)

            // Rows stored beyond the committed offset (offsets lost, rows kept) are replays, not duplicates.
            try await connection.execute("UPDATE \(schema).stream_offsets SET next_offset = 50 WHERE kafka_partition = 0")
            let rewritten = try await sink.write(
                first + [scoredRow(partition: 0, offset: 100), scoredRow(partition: 0, offset: 200)],
                nextOffsets: [0: 201],
                group: group,
                topic: topic
            )
            #expect(rewritten == .init(written: 1, alreadyWritten: 101, duplicates: 0))
            #expect(try await rowCount(connection, schema, "scored_transactions") == 248)
            #expect(try await committedOffsets(connection, schema: schema) == [0: 201, 1: 50])
        }
    }

    @Test("a duplicate at the start of a large batch falls back without failing, and the batch's other rows are written")
    func duplicateInLargeBatch() async throws {
        try await withSink { sink, connection, schema in
            try await sink.write([scoredRow(id: "early", partition: 0, offset: 0)], nextOffsets: [0: 1], group: group, topic: topic)
            var batch = scoredRows(partition: 0, offsets: 1..<20_001)
            batch[0] = scoredRow(id: "early", partition: 0, offset: 1)
            batch[19_999] = scoredRow(id: "T-0-2", partition: 0, offset: 20_000)
            let summary = try await sink.write(batch, nextOffsets: [0: 20_001], group: group, topic: topic)
            #expect(summary == .init(written: 19_998, alreadyWritten: 0, duplicates: 2))
            #expect(try await rowCount(connection, schema, "scored_transactions") == 19_999)
            #expect(try await rowCount(connection, schema, "duplicate_transactions") == 2)
            #expect(try await committedOffsets(connection, schema: schema) == [0: 20_001])
        }
    }

    @Test("committed offsets never move backwards, and rows below them are dropped")
    func offsetsNeverMoveBackwards() async throws {
        try await withSink { sink, connection, schema in
            try await sink.write(scoredRows(partition: 0, offsets: 0..<1_000), nextOffsets: [0: 1_000, 1: 500], group: group, topic: topic)
            let late = try await sink.write(scoredRows(partition: 0, offsets: 0..<10), nextOffsets: [0: 10, 1: 600], group: group, topic: topic)
            #expect(late == .init(written: 0, alreadyWritten: 10, duplicates: 0))
            #expect(try await committedOffsets(connection, schema: schema) == [0: 1_000, 1: 600])

            let store = OffsetStore(schema: schema)
            try await connection.withTransaction { connection in
                try await store.advance([0: 3, 1: 601, 2: 9], group: group, topic: topic, on: connection)
            }
            #expect(try await store.nextOffset(group: group, topic: topic, partition: 0, on: connection) == 1_000)
            #expect(try await store.nextOffset(group: group, topic: topic, partition: 1, on: connection) == 601)
            #expect(try await store.nextOffset(group: group, topic: topic, partition: 2, on: connection) == 9)
            #expect(try await store.nextOffset(group: "other", topic: topic, partition: 0, on: connection) == nil)
        }
    }

    @Test("a failure inside the transaction stores neither rows nor offsets, and the sink works afterwards")
    func atomicity() async throws {
        try await withSink { sink, connection, schema in
            // Fails after the COPY, while advancing the offsets.
            try await connection.execute("ALTER TABLE \(schema).stream_offsets ADD CONSTRAINT small CHECK (next_offset < 1000000)")
            let batch = scoredRows(partition: 0, offsets: 999_000..<1_001_000)
            let error = await #expect(throws: ScoredTransactionSinkError.self) {
                try await sink.write(batch, nextOffsets: [0: 1_001_000], group: group, topic: topic)
            }
            #expect(error?.code == .database)
            #expect(error?.underlying?.sqlState == "23514")
            #expect(error?.step.contains("advancing stream_offsets") == true, "\(String(describing: error))")
            #expect(try await rowCount(connection, schema, "scored_transactions") == 0)
            #expect(try await committedOffsets(connection, schema: schema) == [:])
            try await connection.execute("ALTER TABLE \(schema).stream_offsets DROP CONSTRAINT small")
            #expect(try await sink.write(batch, nextOffsets: [0: 1_001_000], group: group, topic: topic).written == 2_000)

            // Fails in the duplicate fallback, after the savepoint was rolled back to.
            try await connection.execute("DROP TABLE \(schema).duplicate_transactions")
            let withDuplicate = [scoredRow(partition: 1, offset: 0), scoredRow(id: "T-0-999000", partition: 1, offset: 1)]
            let fallbackError = await #expect(throws: ScoredTransactionSinkError.self) {
                try await sink.write(withDuplicate, nextOffsets: [1: 2], group: group, topic: topic)
            }
            #expect(fallbackError?.underlying?.sqlState == "42P01")
            #expect(try await rowCount(connection, schema, "scored_transactions") == 2_000)
            #expect(try await committedOffsets(connection, schema: schema) == [0: 1_001_000])

            // A batch its offsets do not cover is refused before anything is sent.
            let invalid = await #expect(throws: ScoredTransactionSinkError.self) {
                try await sink.write([scoredRow(partition: 2, offset: 5)], nextOffsets: [2: 5], group: group, topic: topic)
            }
            #expect(invalid?.code == .invalidBatch)
            #expect(try await committedOffsets(connection, schema: schema) == [0: 1_001_000])
        }
    }

    /// The rows per second of a whole worker against the COPY ceiling are measured by
    /// `fraudstream loadtest` (docs/performance.md).
    @Test("200,000 rows in 200 batches of 1,000 over 4 partitions: every row stored, each partition's offset at its last row")
    func throughput() async throws {
        try await withSink { sink, connection, schema in
            for batch in 0..<200 {
                let start = Int64(batch / 4) * 1_000
                let rows = scoredRows(partition: Int32(batch % 4), offsets: start..<start + 1_000)
                try await sink.write(rows, nextOffsets: [rows[0].partition: rows[rows.count - 1].offset + 1], group: group, topic: topic)
            }
            #expect(try await rowCount(connection, schema, "scored_transactions") == 200_000)
            #expect(try await committedOffsets(connection, schema: schema) == [0: 50_000, 1: 50_000, 2: 50_000, 3: 50_000])
        }
    }
}

@Suite("Scored row encoding")
struct ScoredRowEncoderTests {
    @Test("the COPY buffer is reused across batches and holds header, rows and trailer")
    func reusesBuffer() {
        var encoder = ScoredRowEncoder(rowCapacity: 10)
        let rows = scoredRows(partition: 0, offsets: 0..<1_000)
        encoder.encode(rows)
        let size = encoder.bytes.count
        let address = encoder.bytes.withUnsafeBufferPointer { $0.baseAddress }
        encoder.encode(rows.lazy.filter { $0.offset % 2 == 0 })
        #expect(encoder.rowCount == 500)
        encoder.encode(rows)
        #expect(encoder.bytes.count == size)
        #expect(encoder.bytes.withUnsafeBufferPointer { $0.baseAddress } == address)
        #expect(Array(encoder.bytes.prefix(11)) == Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00])
        #expect(Array(encoder.bytes.suffix(2)) == [0xFF, 0xFF])
    }
}
