import FraudCore
import FraudPipeline
import Postgres
import TestSupport
import Testing

@Suite("Flagged transaction query")
struct FlaggedTransactionQueryTests {
    @Test("rows written by the sink come back flagged only, newest first, with their fields")
    func readsSinkRows() async throws {
        try await withSink { sink, connection, schema in
            // scoredRow flags every fifth offset; event times grow with the offset.
            let rows = scoredRows(partition: 0, offsets: 0..<30)
            try await sink.write(rows, nextOffsets: [0: 30], group: "workers", topic: "transactions")
            let flagged = rows.filter(\.flagged).sorted { $0.transaction.timestamp > $1.transaction.timestamp }

            let all = try await FlaggedTransactionQuery(schema: schema).run(on: connection)
            #expect(all.map(\.transactionID) == flagged.map(\.transaction.id))
            let newest = try #require(all.first)
            let expected = flagged[0]
            #expect(newest.eventTime == expected.transaction.timestamp)
            #expect(newest.type == expected.transaction.type.rawValue)
            #expect(newest.amount == expected.transaction.amount)
            #expect(newest.accountFrom == expected.transaction.accountFrom)
            #expect(newest.accountTo == expected.transaction.accountTo)
            #expect(newest.score == expected.score)
            #expect(newest.modelVersion == expected.modelVersion)

            let limited = try await FlaggedTransactionQuery(schema: schema, limit: 2).run(on: connection)
            #expect(limited.map(\.transactionID) == flagged.prefix(2).map(\.transaction.id))

            let scored = try await FlaggedTransactionQuery(schema: schema, minimumScore: 0.2).run(on: connection)
            #expect(scored.map(\.transactionID) == flagged.filter { $0.score >= 0.2 }.map(\.transaction.id))
            #expect(!scored.isEmpty && scored.count < flagged.count)

            let account = expected.transaction.accountTo
            let byAccount = try await FlaggedTransactionQuery(schema: schema, account: account).run(on: connection)
            #expect(byAccount.map(\.transactionID) == flagged.filter { $0.transaction.accountTo == account || $0.transaction.accountFrom == account }.map(\.transaction.id))
            #expect(!byAccount.isEmpty)
        }
    }

    @Test("since looks back over event time from the server's now: flagged rows 5 s to 55 s old are in the last minute, 65 s and older are not")
    func sinceIsRelativeToNow() async throws {
        try await withSink { sink, connection, schema in
            // Event times relative to the server's clock, 10 s apart and 5 s off every whole
            // ten, so the 60 s boundary falls between two rows whatever the query's delay.
            let now = try await connection.query("SELECT (extract(epoch FROM now()) * 1000)::int8")[0][0, as: Int64.self]
            var rows = scoredRows(partition: 0, offsets: 0..<30)
            for index in rows.indices {
                let age = Int64(rows.count - 1 - index) * 10_000 + 5_000
                rows[index].transaction.timestamp = EventTime(millisecondsSinceEpoch: now - age)
            }
            try await sink.write(rows, nextOffsets: [0: 30], group: "workers", topic: "transactions")
            let flagged = rows.filter(\.flagged).sorted { $0.transaction.timestamp > $1.transaction.timestamp }
            let lastMinute = flagged.filter { now - $0.transaction.timestamp.millisecondsSinceEpoch < 60_000 }
            #expect(!lastMinute.isEmpty && lastMinute.count < flagged.count, "the boundary would not be tested")

            let recent = try await FlaggedTransactionQuery(schema: schema, since: .seconds(60)).run(on: connection)
            #expect(recent.map(\.transactionID) == lastMinute.map(\.transaction.id))
            let all = try await FlaggedTransactionQuery(schema: schema, since: .seconds(3600)).run(on: connection)
            #expect(all.map(\.transactionID) == flagged.map(\.transaction.id))
        }
    }

    @Test("the statement names only the filters in use, each as a parameter")
    func statement() throws {
        let bare = try FlaggedTransactionQuery(schema: "fraud").statement
        #expect(!bare.sql.contains("WHERE"))
        #expect(bare.sql.contains("FROM fraud.flagged_transactions"))
        #expect(bare.parameters == [.int(50)])

        let full = try FlaggedTransactionQuery(schema: "fraud", since: .seconds(600), account: "C1' --", minimumScore: 0.9, limit: 7).statement
        #expect(!full.sql.contains("C1"))
        #expect(full.sql.contains("make_interval(secs => $1)"))
        #expect(full.sql.contains("(account_from = $2 OR account_to = $2)"))
        #expect(full.sql.contains("score >= $3"))
        #expect(full.sql.contains("LIMIT $4"))
        #expect(full.parameters == [.double(600), .text("C1' --"), .double(0.9), .int(7)])

        #expect(throws: SchemaError.self) { try FlaggedTransactionQuery(schema: "x; DROP TABLE y") }
    }
}
