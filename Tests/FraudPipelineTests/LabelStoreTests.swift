import FraudCore
import FraudPipeline
import Postgres
import TestSupport
import Testing

@Suite("Label ties")
struct LabelStoreTests {
    @Test("labels stamped in the same millisecond are decided by topic position, whatever order or batches they are written in, replays included")
    func tiesBreakByPosition() async throws {
        let connection = try await TestDatabase.connect()
        let migrator = try SchemaMigrator(schema: TestDatabase.uniqueName("labelties"))
        try await migrator.migrate(connection)
        let schema = migrator.schema
        let store = LabelStore(schema: schema)
        let at = EventTime(millisecondsSinceEpoch: 1_767_225_600_000)
        // A wrong verdict and its correction, stamped in the same millisecond; the correction
        // was written later on the topic.
        let wrong = LabelStore.Entry(Label(id: "T1", isFraud: false, labeledAt: at), partition: 2, offset: 5)
        let corrected = LabelStore.Entry(Label(id: "T1", isFraud: true, fraudType: "cash_out", labeledAt: at), partition: 2, offset: 9)
        func stored() async throws -> Bool {
            try await connection.query("SELECT is_fraud FROM \(schema).labels WHERE transaction_id = 'T1'")[0][0, as: Bool.self]
        }
        let orders: [[[LabelStore.Entry]]] = [
            [[wrong, corrected]], [[corrected, wrong]], [[wrong], [corrected]],
            [[corrected], [wrong]],  // the replay of an older batch must not revert the correction
            [[wrong], [corrected], [wrong], [corrected, wrong]],
        ]
        do {
            for batches in orders {
                try await connection.execute("DELETE FROM \(schema).labels")
                for batch in batches { try await store.write(batch, rejects: [], on: connection) }
                #expect(try await stored() == true, "batches \(batches.map { $0.map(\.offset) })")
            }
            // A later labeled_at still wins over a later position.
            let later = LabelStore.Entry(Label(id: "T1", isFraud: false, labeledAt: EventTime(millisecondsSinceEpoch: at.millisecondsSinceEpoch + 1)), partition: 2, offset: 1)
            try await store.write([later], rejects: [], on: connection)
            try await store.write([corrected], rejects: [], on: connection)
            #expect(try await stored() == false)
        } catch {
            _ = try? await connection.execute("DROP SCHEMA \(schema) CASCADE")
            await connection.close()
            throw error
        }
        try await connection.execute("DROP SCHEMA \(schema) CASCADE")
        await connection.close()
    }
}
