import FraudCore
import FraudPipeline
import Postgres
import TestSupport
import Testing

@Suite("Partition state checkpoints in PostgreSQL")
struct CheckpointStoreTests {
    @Test("a restored checkpoint continues exactly like the uninterrupted engine")
    func restoredStateContinuesIdentically() async throws {
        try await withCheckpointStore { store, connection in
            let stream = transactions(count: 400)
            let cut = 250
            var uninterrupted = try FeatureEngine()
            let expected = stream.map { uninterrupted.process($0) }

            var interrupted = try FeatureEngine()
            for transaction in stream[..<cut] { _ = interrupted.process(transaction) }
            let snapshot = interrupted.snapshot()
            try await connection.withTransaction { connection in
                let saved = try await store.save(
                    snapshot, stateOffset: Int64(cut), featureSchemaVersion: FeatureSchema.current.version,
                    group: "g", topic: "transactions", partition: 3, on: connection
                )
                #expect(saved)
            }

            let loaded = try #require(try await store.load(group: "g", topic: "transactions", partition: 3, on: connection))
            #expect(loaded.snapshot == snapshot)
            #expect(loaded.stateOffset == Int64(cut))
            #expect(loaded.featureSchemaVersion == FeatureSchema.current.version)
            #expect(abs(loaded.createdAt.timeIntervalSinceNow) < 600)

            var restored = try FeatureEngine(restoring: loaded.snapshot, configuration: FeatureConfiguration())
            var mismatches: [Int] = []
            for index in cut..<stream.count where !restored.process(stream[index]).isBitwiseIdentical(to: expected[index]) {
                mismatches.append(index)
            }
            #expect(mismatches.isEmpty, "restored engine diverged at offsets \(mismatches.prefix(10))")
            #expect(restored.snapshot() == uninterrupted.snapshot())

            // The check has teeth: starting at the cut without the state gives other features.
            var fresh = try FeatureEngine()
            let divergent = (cut..<stream.count).filter { !fresh.process(stream[$0]).isBitwiseIdentical(to: expected[$0]) }
            #expect(!divergent.isEmpty)
        }
    }

    @Test("an older checkpoint never replaces a newer one; an equal or newer one does")
    func olderNeverOverwritesNewer() async throws {
        try await withCheckpointStore { store, connection in
            func save(_ bytes: [UInt8], at offset: Int64) async throws -> Bool {
                try await store.save(bytes, stateOffset: offset, featureSchemaVersion: 1, group: "g", topic: "t", partition: 0, on: connection)
            }
            #expect(try await save([1], at: 100))
            #expect(try await save([2], at: 50) == false)
            var loaded = try #require(try await store.load(group: "g", topic: "t", partition: 0, on: connection))
            #expect(loaded.snapshot == [1])
            #expect(loaded.stateOffset == 100)

            #expect(try await save([3], at: 100))
            #expect(try await save([4, 0, 255], at: 101))
            loaded = try #require(try await store.load(group: "g", topic: "t", partition: 0, on: connection))
            #expect(loaded.snapshot == [4, 0, 255])
            #expect(loaded.stateOffset == 101)
        }
    }

    @Test("checkpoints of different partitions, topics and groups are independent")
    func partitionsAreIndependent() async throws {
        try await withCheckpointStore { store, connection in
            let keys: [(group: String, topic: String, partition: Int32)] = [
                ("g", "t", 0), ("g", "t", 1), ("g", "t", 2), ("g", "u", 0), ("h", "t", 0),
            ]
            for (index, key) in keys.enumerated() {
                try await store.save(
                    Array(repeating: UInt8(index), count: index + 1), stateOffset: Int64(10 * (index + 1)), featureSchemaVersion: index,
                    group: key.group, topic: key.topic, partition: key.partition, on: connection
                )
            }
            // Moving one partition forwards, or failing to move it backwards, touches no other.
            try await store.save([9], stateOffset: 1_000, featureSchemaVersion: 7, group: "g", topic: "t", partition: 1, on: connection)
            try await store.save([8], stateOffset: 1, featureSchemaVersion: 7, group: "g", topic: "t", partition: 2, on: connection)
            for (index, key) in keys.enumerated() {
                let loaded = try #require(try await store.load(group: key.group, topic: key.topic, partition: key.partition, on: connection))
                if index == 1 {
                    #expect(loaded.snapshot == [9] && loaded.stateOffset == 1_000 && loaded.featureSchemaVersion == 7)
                } else {
                    #expect(loaded.snapshot == Array(repeating: UInt8(index), count: index + 1))
                    #expect(loaded.stateOffset == Int64(10 * (index + 1)))
                    #expect(loaded.featureSchemaVersion == index)
                }
            }
            #expect(try await store.load(group: "g", topic: "t", partition: 3, on: connection) == nil)
        }
    }

    @Test("a checkpoint saved in a transaction that rolls back is not stored")
    func rolledBackCheckpointIsAbsent() async throws {
        struct Abort: Error {}
        try await withCheckpointStore { store, connection in
            try await store.save([1, 2, 3], stateOffset: 10, featureSchemaVersion: 1, group: "g", topic: "t", partition: 0, on: connection)
            await #expect(throws: Abort.self) {
                try await connection.withTransaction { connection in
                    try await store.save([7], stateOffset: 20, featureSchemaVersion: 1, group: "g", topic: "t", partition: 0, on: connection)
                    try await store.save([7], stateOffset: 20, featureSchemaVersion: 1, group: "g", topic: "t", partition: 1, on: connection)
                    // Inside the transaction the new checkpoint is visible...
                    #expect(try await store.load(group: "g", topic: "t", partition: 0, on: connection)?.stateOffset == 20)
                    throw Abort()
                }
            }
            // ...and after the rollback neither the update nor the insert is.
            let kept = try #require(try await store.load(group: "g", topic: "t", partition: 0, on: connection))
            #expect(kept.snapshot == [1, 2, 3] && kept.stateOffset == 10)
            #expect(try await store.load(group: "g", topic: "t", partition: 1, on: connection) == nil)
        }
    }
}

/// Runs `body` with a checkpoint store on a fresh, migrated schema of the test database, and
/// drops the schema afterwards, also when `body` fails.
private func withCheckpointStore(_ body: (CheckpointStore, PostgresConnection) async throws -> Void) async throws {
    let connection = try await TestDatabase.connect()
    let migrator = try SchemaMigrator(schema: TestDatabase.uniqueName("checkpoint"))
    try await migrator.migrate(connection)
    do {
        try await body(CheckpointStore(schema: migrator.schema), connection)
    } catch {
        _ = try? await connection.execute("DROP SCHEMA \(migrator.schema) CASCADE")
        await connection.close()
        throw error
    }
    try await connection.execute("DROP SCHEMA \(migrator.schema) CASCADE")
    await connection.close()
}

/// A deterministic stream over a few accounts, spanning several minutes and days, with some
/// events out of order, so that lags, every window family and late events are in the state.
private func transactions(count: Int) -> [Transaction] {
    let start: Int64 = 1_767_225_600_000
    let types = TransactionType.allCases
    var random = SplitMix64(seed: 42)
    var time = start
    return (0..<count).map { index in
        time += Int64(random.next() % 900_000)  // up to 15 minutes apart
        let skew = index % 11 == 0 ? -Int64(random.next() % 120_000) : 0  // a little out of order
        let amount = Double(random.next() % 1_000_000) / 100
        let balance = Double(random.next() % 5_000_000) / 100
        return Transaction(
            id: "T\(index)",
            timestamp: EventTime(millisecondsSinceEpoch: time + skew),
            type: types[Int(random.next() % UInt64(types.count))],
            amount: amount,
            accountFrom: "C\(random.next() % 7)",
            oldBalanceFrom: balance,
            newBalanceFrom: max(0, balance - amount),
            accountTo: "M\(random.next() % 13)",
            oldBalanceTo: 0,
            newBalanceTo: amount
        )
    }
}

/// A small deterministic generator, so the stream is the same on every run.
private struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
