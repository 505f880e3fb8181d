import Foundation
import FraudCore
import FraudPipeline
import Postgres
import TestSupport
import Testing

@Suite("Labelled features read from the scored rows")
struct LabelledFeatureQueryTests {
    static let current = Int32(FeatureSchema.current.version)

    /// Scored rows over three partitions, written partition 1 first so that storage order is not
    /// event-time order: partition 0 and 1 interleave by event time, two rows of partition 2 share
    /// an event time (ids out of order), three rows follow other feature schema versions, and one
    /// row carries a NaN feature. Every row of `scoredRow` with an offset divisible by 7 carries
    /// -0, the infinities, the smallest subnormal and the largest double.
    static func rows() -> [ScoredTransaction] {
        var rows = scoredRows(partition: 1, offsets: 0..<10) + scoredRows(partition: 0, offsets: 0..<12)
        var tieB = scoredRow(id: "T-tie-b", partition: 2, offset: 0)
        var tieA = scoredRow(id: "T-tie-a", partition: 2, offset: 1)
        tieB.transaction.timestamp = EventTime(millisecondsSinceEpoch: 1_767_225_600_000 + 5 * 997 + 500)
        tieA.transaction.timestamp = tieB.transaction.timestamp
        rows += [tieB, tieA]
        for index in rows.indices {
            rows[index].featureSchemaVersion = current
            switch rows[index].transaction.id {
            case "T-0-4", "T-0-9": rows[index].featureSchemaVersion = current + 1
            case "T-1-6": rows[index].featureSchemaVersion = 0
            case "T-1-2": rows[index].features[5] = .nan
            default: break
            }
        }
        return rows
    }

    /// Labels with corrections: the labels table keeps the latest of each transaction.
    static let labels: [Label] = [
        Label(id: "T-0-3", isFraud: true, fraudType: "drain", labeledAt: at(1)),
        // Fraud, then corrected to legitimate: legitimate, and the stale type is dropped.
        Label(id: "T-1-5", isFraud: true, fraudType: "cash_out", labeledAt: at(1)),
        Label(id: "T-1-5", isFraud: false, fraudType: "cash_out", labeledAt: at(2)),
        // Legitimate, then corrected to fraud.
        Label(id: "T-0-8", isFraud: false, labeledAt: at(1)),
        Label(id: "T-0-8", isFraud: true, fraudType: "fan_out", labeledAt: at(2)),
        Label(id: "T-tie-b", isFraud: true, labeledAt: at(1)),
        // A fraud label on a row of another feature schema version, and one on no row at all.
        Label(id: "T-0-4", isFraud: true, fraudType: "drain", labeledAt: at(1)),
        Label(id: "T-9-9", isFraud: true, fraudType: "drain", labeledAt: at(1)),
    ]

    static func at(_ minute: Int64) -> EventTime {
        EventTime(millisecondsSinceEpoch: 1_767_400_000_000 + minute * 60_000)
    }

    /// What the query should return, computed from the values written.
    static func expected(_ rows: [ScoredTransaction], unlabelledAreLegitimate: Bool = true) -> LabelledFeatureSet {
        let latest = Dictionary(labels.map { ($0.id, $0) }, uniquingKeysWith: { $0.labeledAt >= $1.labeledAt ? $0 : $1 })
        var set = LabelledFeatureSet()
        let usable = rows.filter { $0.featureSchemaVersion == current }
            .sorted { ($0.transaction.timestamp, $0.transaction.id) < ($1.transaction.timestamp, $1.transaction.id) }
        for row in usable {
            let label = latest[row.transaction.id]
            if label == nil {
                set.unlabelled += 1
                if !unlabelledAreLegitimate { continue }
            }
            set.ids.append(row.transaction.id)
            set.eventTimes.append(row.transaction.timestamp.millisecondsSinceEpoch)
            set.values += row.features.values
            set.labels.append(label?.isFraud ?? false)
            set.fraudTypes.append(label?.isFraud == true ? label?.fraudType : nil)
        }
        return set
    }

    static func write(_ rows: [ScoredTransaction], sink: ScoredTransactionSink, connection: PostgresConnection, schema: String) async throws {
        for partition in [Int32(1), 0, 2] {
            let batch = rows.filter { $0.partition == partition }
            guard let last = batch.map(\.offset).max() else { continue }
            try await sink.write(batch, nextOffsets: [partition: last + 1], group: "workers", topic: "transactions")
        }
        try await LabelStore(schema: schema).write(labels.enumerated().map { LabelStore.Entry($1, partition: 0, offset: Int64($0)) }, rejects: [], on: connection)
    }

    @Test("rows of the current feature schema come in event-time order with their exact features and latest labels, whatever the page size")
    func readsStoredFeatures() async throws {
        try await withSink { sink, connection, schema in
            let rows = Self.rows()
            try await Self.write(rows, sink: sink, connection: connection, schema: schema)
            let expected = Self.expected(rows)
            // Sanity of the fixture: it holds what the assertions rely on.
            #expect(expected.labels.filter { $0 }.count == 3)
            #expect(expected.ids.firstIndex(of: "T-tie-a")! + 1 == expected.ids.firstIndex(of: "T-tie-b")!)

            for pageSize in [3, 7, LabelledFeatureQuery.defaultPageSize] {
                let output = try await LabelledFeatureQuery(schema: schema, pageSize: pageSize).run(on: connection)
                #expect(output.scoredRows == rows.count, "page size \(pageSize)")
                #expect(output.otherSchemaVersions == [Int(Self.current) + 1: 2, 0: 1], "page size \(pageSize)")
                #expect(output.skippedRows == 3)
                expectSame(output.set, expected, "page size \(pageSize)")
            }
            // The corrections, row by row.
            let set = try await LabelledFeatureQuery(schema: schema).run(on: connection).set
            let byID = Dictionary(uniqueKeysWithValues: set.ids.indices.map { (set.ids[$0], $0) })
            #expect(set.labels[byID["T-0-3"]!] && set.fraudTypes[byID["T-0-3"]!] == "drain")
            #expect(!set.labels[byID["T-1-5"]!] && set.fraudTypes[byID["T-1-5"]!] == nil)
            #expect(set.labels[byID["T-0-8"]!] && set.fraudTypes[byID["T-0-8"]!] == "fan_out")
            #expect(set.labels[byID["T-tie-b"]!] && set.fraudTypes[byID["T-tie-b"]!] == nil)
            #expect(byID["T-0-4"] == nil && byID["T-1-6"] == nil && byID["T-9-9"] == nil)
            #expect(set.unlabelled == rows.count - 3 - 4)
            #expect(set.values[byID["T-1-2"]! * set.featureCount + 5].isNaN)
            #expect(set.values[byID["T-0-7"]! * set.featureCount + 1] == .infinity)
        }
    }

    @Test("unlabelled rows can be left out instead of counted legitimate")
    func leavesOutUnlabelled() async throws {
        try await withSink { sink, connection, schema in
            let rows = Self.rows()
            try await Self.write(rows, sink: sink, connection: connection, schema: schema)
            let output = try await LabelledFeatureQuery(schema: schema, pageSize: 4, unlabelledAreLegitimate: false).run(on: connection)
            let expected = Self.expected(rows, unlabelledAreLegitimate: false)
            #expect(output.set.count == 4)
            expectSame(output.set, expected, "labelled only")
        }
    }

    @Test("--since keeps the rows whose event time is recent by the server's clock")
    func since() async throws {
        try await withSink { sink, connection, schema in
            let now = try await connection.query("SELECT floor(extract(epoch FROM now()) * 1000)::bigint")[0][0, as: Int64.self]
            var rows = scoredRows(partition: 0, offsets: 0..<6)
            for index in rows.indices {
                rows[index].featureSchemaVersion = Self.current
                // Offsets 0-2 two days ago, 3-5 within the last hour.
                let age: Int64 = index < 3 ? 2 * 86_400_000 : 600_000
                rows[index].transaction.timestamp = EventTime(millisecondsSinceEpoch: now - age + Int64(index))
            }
            try await sink.write(rows, nextOffsets: [0: 6], group: "workers", topic: "transactions")
            let recent = try await LabelledFeatureQuery(schema: schema, since: .seconds(3_600)).run(on: connection)
            #expect(recent.set.ids == ["T-0-3", "T-0-4", "T-0-5"])
            #expect(recent.scoredRows == 3)
            let all = try await LabelledFeatureQuery(schema: schema).run(on: connection)
            #expect(all.set.count == 6)

            let statement = try LabelledFeatureQuery(schema: schema, since: .seconds(3_600)).statement
            #expect(statement.sql.contains("s.event_time >= now() - make_interval(secs => $2)"))
            #expect(statement.parameters == [.int(FeatureSchema.current.version), .double(3_600)])
            #expect(!(try LabelledFeatureQuery(schema: schema).statement.sql.contains("WHERE")))
        }
    }

    @Test("a table of other feature schema versions only gives an empty set and the versions found")
    func otherVersionsOnly() async throws {
        try await withSink { sink, connection, schema in
            var rows = scoredRows(partition: 0, offsets: 0..<5)
            for index in rows.indices { rows[index].featureSchemaVersion = Self.current + 1 + Int32(index % 2) }
            try await sink.write(rows, nextOffsets: [0: 5], group: "workers", topic: "transactions")
            let output = try await LabelledFeatureQuery(schema: schema).run(on: connection)
            #expect(output.set.count == 0)
            #expect(output.set.unlabelled == 0)
            #expect(output.scoredRows == 5)
            #expect(output.otherSchemaVersions == [Int(Self.current) + 1: 3, Int(Self.current) + 2: 2])
        }
    }

    @Test("a row of the current version with the wrong number of features is refused, naming it")
    func wrongWidth() async throws {
        try await withSink { _, connection, schema in
            try await connection.execute("""
                INSERT INTO \(schema).scored_transactions VALUES ('T-short', now(), 'TRANSFER', 1, 'C1', 1, 0, 'M1', 0, 1,
                  '{1,2}', $1, 0.5, false, 'gbt', 0, 0, now())
                """, [.int32(Self.current)])
            let error = try await #require(throws: OfflineInputError.self) {
                try await LabelledFeatureQuery(schema: schema).run(on: connection)
            }
            #expect(error.description.contains("\(schema).scored_transactions: transaction T-short has 2 features, but feature schema v\(Self.current) has \(FeatureSchema.width)"), "\(error)")
            // The failed read left no transaction open.
            #expect(try await connection.query("SELECT 1")[0][0, as: Int.self] == 1)
        }
    }

    @Test("the schema name is checked before it reaches SQL")
    func schemaName() {
        #expect(throws: SchemaError.self) { try LabelledFeatureQuery(schema: "x; DROP TABLE y") }
    }
}

/// Records an issue for each way `actual` differs from `expected`; features compared bit for bit.
func expectSame(_ actual: LabelledFeatureSet, _ expected: LabelledFeatureSet, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.ids == expected.ids, "\(context)", sourceLocation: sourceLocation)
    #expect(actual.eventTimes == expected.eventTimes, "\(context)", sourceLocation: sourceLocation)
    #expect(actual.labels == expected.labels, "\(context)", sourceLocation: sourceLocation)
    #expect(actual.fraudTypes == expected.fraudTypes, "\(context)", sourceLocation: sourceLocation)
    #expect(actual.unlabelled == expected.unlabelled, "\(context)", sourceLocation: sourceLocation)
    #expect(actual.values.count == expected.values.count, "\(context)", sourceLocation: sourceLocation)
    let differing = zip(actual.values, expected.values).enumerated()
        .filter { $0.element.0.bitPattern != $0.element.1.bitPattern && !($0.element.0.isNaN && $0.element.1.isNaN) }
    #expect(differing.isEmpty, "\(context): features differ at \(differing.prefix(3).map(\.offset))", sourceLocation: sourceLocation)
}
