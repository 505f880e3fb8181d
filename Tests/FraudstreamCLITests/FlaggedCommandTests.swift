import Foundation
import FraudPipeline
import Logging
import Postgres
import Testing

@Suite("fraudstream flagged")
struct FlaggedCommandTests {
    /// Crafted rows: id, minutes before now, from, to, score, flagged, model version.
    static let rows: [(String, Double, String, String, Double, Bool, String)] = [
        ("f1", 1, "C1", "M1", 0.97, true, "gbt-7"),
        ("f2", 5, "C2", "C1", 0.91, true, "gbt-7"),
        ("f3", 30, "C3", "M2", 0.85, true, #"gbt,"v2""#),
        ("f4", 3 * 24 * 60, "C1", "M3", 0.9995, true, "gbt-6"),
        ("n1", 2, "C1", "M1", 0.40, false, "gbt-7"),
        ("n2", 10, "C2", "M1", 0.60, false, "gbt-7"),
    ]

    @Test("each filter, alone and together, selects the expected flagged rows, newest first")
    func filters() async throws {
        try await withFlaggedRows { url, schema in
            let cases: [([String], [String])] = [
                ([], ["f1", "f2", "f3", "f4"]),
                (["--since", "10m"], ["f1", "f2"]),
                (["--since", "2h"], ["f1", "f2", "f3"]),
                (["--since", "30s"], []),
                (["--since", "7d"], ["f1", "f2", "f3", "f4"]),
                (["--account", "C1"], ["f1", "f2", "f4"]),
                (["--account", "M2"], ["f3"]),
                (["--account", "C1' OR '1'='1"], []),
                (["--min-score", "0.9"], ["f1", "f2", "f4"]),
                (["--limit", "2"], ["f1", "f2"]),
                (["--account", "C1", "--since", "1h", "--min-score", "0.95"], ["f1"]),
            ]
            for (flags, expected) in cases {
                let result = try CommandLineRunner.run(["flagged", "--database-url", url, "--schema", schema, "--format", "json"] + flags)
                #expect(result.status == 0, "\(flags): stderr: \(result.standardError)")
                let ids = try jsonObjects(result.standardOutput).map { $0["transaction_id"] as? String }
                #expect(ids == expected, "\(flags)")
            }
        }
    }

    @Test("json is one array of snake_case objects whose numbers are numbers")
    func json() async throws {
        try await withFlaggedRows { url, schema in
            let result = try CommandLineRunner.run(["flagged", "--database-url", url, "--schema", schema, "--format", "json"])
            #expect(result.status == 0, "stderr: \(result.standardError)")
            let objects = try jsonObjects(result.standardOutput)
            #expect(objects.map { $0["transaction_id"] as? String } == ["f1", "f2", "f3", "f4"])
            let first = try #require(objects.first)
            #expect(Set(first.keys) == ["event_time", "transaction_id", "type", "amount", "account_from", "account_to", "score", "model_version"])
            #expect((first["amount"] as? NSNumber)?.doubleValue == 1234.5)
            #expect((first["score"] as? NSNumber)?.doubleValue == 0.97)
            #expect(first["account_from"] as? String == "C1")
            #expect(first["account_to"] as? String == "M1")
            #expect(first["type"] as? String == "TRANSFER")
            #expect(first["model_version"] as? String == "gbt-7")
            let eventTime = try #require(first["event_time"] as? String)
            #expect(eventTime.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil, "\(eventTime)")
            #expect(objects[2]["model_version"] as? String == #"gbt,"v2""#)
        }
    }

    @Test("csv has a header and RFC 4180 quoting")
    func csv() async throws {
        try await withFlaggedRows { url, schema in
            let result = try CommandLineRunner.run(["flagged", "--database-url", url, "--schema", schema, "--format", "csv"])
            #expect(result.status == 0, "stderr: \(result.standardError)")
            let records = parseCSV(result.standardOutput)
            #expect(records.first == ["event_time", "transaction_id", "type", "amount", "account_from", "account_to", "score", "model_version"])
            #expect(records.dropFirst().map { $0[1] } == ["f1", "f2", "f3", "f4"])
            #expect(records[3][7] == #"gbt,"v2""#)
            #expect(result.standardOutput.contains(#","gbt,""v2"""#), "quoted field: \(result.standardOutput)")
            #expect(records[1][4] == "C1")
            #expect(Double(records[1][6]) == 0.97)
            #expect(Double(records[1][3]) == 1234.5)
        }
    }

    @Test("table shows aligned columns with scores to 3 decimals")
    func table() async throws {
        try await withFlaggedRows { url, schema in
            let result = try CommandLineRunner.run(["flagged", "--database-url", url, "--schema", schema])
            #expect(result.status == 0, "stderr: \(result.standardError)")
            let lines = result.standardOutput.split(separator: "\n").map(String.init)
            #expect(lines.count == 5)
            #expect(lines[0].hasPrefix("EVENT TIME (UTC)"))
            for column in ["TRANSACTION", "TYPE", "AMOUNT", "FROM", "TO", "SCORE", "MODEL"] {
                #expect(lines[0].contains(column))
            }
            #expect(lines[1].contains(" f1 ") && lines[1].contains("0.970") && lines[1].contains("1234.50") && lines[1].contains("gbt-7"))
            #expect(lines[4].contains(" f4 ") && lines[4].contains("1.000") && !lines[4].contains("0.9995"))
            // Aligned: every row's score column ends where the header's does.
            let scoreEnd = try #require(lines[0].range(of: "SCORE")).upperBound.utf16Offset(in: lines[0])
            for line in lines.dropFirst() {
                let index = line.index(line.startIndex, offsetBy: scoreEnd)
                #expect(line[line.index(index, offsetBy: -5)..<index].allSatisfy { $0.isNumber || $0 == "." }, "\(line)")
            }
        }
    }

    @Test("an empty result is a friendly line in a table, [] in json and a header alone in csv")
    func empty() async throws {
        try await withFlaggedRows { url, schema in
            let base = ["flagged", "--database-url", url, "--schema", schema, "--account", "NOBODY"]
            let table = try CommandLineRunner.run(base)
            #expect(table.status == 0)
            #expect(table.standardOutput == "no flagged transactions match\n")
            let json = try CommandLineRunner.run(base + ["--format", "json"])
            #expect(json.standardOutput == "[]\n")
            let csv = try CommandLineRunner.run(base + ["--format", "csv"])
            #expect(csv.standardOutput == "event_time,transaction_id,type,amount,account_from,account_to,score,model_version\r\n")
        }
    }

    @Test(
        "bad flags give a clear error and a non-zero exit",
        arguments: [
            (["flagged", "--format", "xml"], #"--format: expected table, json or csv, got "xml""#),
            (["flagged", "--since", "soon"], #"--since: expected a duration like 30s, 10m, 2h or 7d, got "soon""#),
            (["flagged", "--since=-5m"], #"--since: expected a duration like 30s, 10m, 2h or 7d, got "-5m""#),
            (["flagged", "--since", "10"], #"--since: expected a duration like 30s, 10m, 2h or 7d, got "10""#),
            (["flagged", "--limit", "0"], "--limit must be between 1 and 10000, got 0"),
            (["flagged", "--limit", "10001"], "--limit must be between 1 and 10000, got 10001"),
            (["flagged", "--min-score", "high"], #"--min-score: expected a number such as 0.9, got "high""#),
            (["flagged", "--schema", "Robert'); DROP TABLE"], "--schema: schema name must be a lower-case identifier"),
        ])
    func badFlags(arguments: [String], message: String) throws {
        let result = try CommandLineRunner.run(arguments)
        #expect(result.status != 0)
        #expect(result.standardError.contains(message), "stderr was: \(result.standardError)")
        #expect(result.standardError.contains("Usage: fraudstream flagged"))
    }

    @Test("an unmigrated schema fails with the server's message and a non-zero exit")
    func unmigratedSchema() throws {
        let url = try databaseURL()
        let result = try CommandLineRunner.run(["flagged", "--database-url", url, "--schema", "no_such_schema_here"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("flagged_transactions"), "stderr was: \(result.standardError)")
    }

    // MARK: helpers

    private let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    private func databaseURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["FRAUDSTREAM_TEST_DATABASE_URL"], !url.isEmpty else {
            Issue.record("FRAUDSTREAM_TEST_DATABASE_URL is not set: run `make test`, or start PostgreSQL and export it")
            throw CocoaError(.featureUnsupported)
        }
        return url
    }

    /// Runs `body` with the crafted rows in a fresh, migrated schema, and drops it afterwards.
    private func withFlaggedRows(_ body: (String, String) async throws -> Void) async throws {
        let url = try databaseURL()
        let connection = try await PostgresConnection.connect(PostgresConfiguration(url), logger: quiet)
        let migrator = try SchemaMigrator(schema: "cli_flagged_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased())")
        let schema = migrator.schema
        do {
            try await migrator.migrate(connection, logger: quiet)
            for (offset, (id, minutesAgo, from, to, score, flagged, model)) in Self.rows.enumerated() {
                try await connection.execute("""
                    INSERT INTO \(schema).scored_transactions VALUES ($1, date_trunc('milliseconds', now() - make_interval(secs => $2)),
                      'TRANSFER', 1234.5, $3, 5000, 3765.5, $4, 0, 1234.5, '{1,2}', 1, $5, $6, $7, 0, $8, now())
                    """, [.text(id), .double(minutesAgo * 60), .text(from), .text(to), .double(score), .bool(flagged), .text(model), .int(offset)])
            }
            try await body(url, schema)
        } catch {
            _ = try? await connection.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE")
            await connection.close()
            throw error
        }
        try await connection.execute("DROP SCHEMA \(schema) CASCADE")
        await connection.close()
    }

    private func jsonObjects(_ text: String) throws -> [[String: Any]] {
        let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(value as? [[String: Any]], "not an array of objects: \(text)")
    }

    /// A small RFC 4180 reader: quoted fields, doubled quotes, CRLF records.
    private func parseCSV(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var characters = text.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? characters.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    let next = characters.next()
                    if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                record.append(field)
                field = ""
            } else if character == "\r\n" || character == "\n" {
                record.append(field)
                records.append(record)
                record = []
                field = ""
            } else {
                field.append(character)
            }
        }
        return records
    }
}
