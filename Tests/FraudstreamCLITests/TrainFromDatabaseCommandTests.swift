import Foundation
import FraudCore
import FraudPipeline
import Logging
import Postgres
import Testing

@Suite("fraudstream train --from-database", .serialized)
struct TrainFromDatabaseCommandTests {
    @Test("the stored features and labels train the same model, byte for byte, as replaying the files they came from")
    func trainsLikeTheFiles() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("train-db-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let transactions = folder.appendingPathComponent("tx.jsonl").path
        let labels = folder.appendingPathComponent("labels.jsonl").path
        let generated = try CommandLineRunner.run([
            "generate", "--clock", "simulated", "--start", "2025-01-01T00:00:00Z", "--max", "--rate", "4", "--count", "30000", "--accounts", "800",
            "--fraud-rate", "0.02", "--seed", "13", "--output", transactions, "--labels-output", labels,
        ])
        try #require(generated.status == 0, "stderr: \(generated.standardError)")

        try await withMigratedSchema { url, schema, connection in
            // What the worker would have stored: each transaction with the features the engine
            // computed for it, plus a few rows scored under another feature schema version.
            var rows: [ScoredTransaction] = []
            _ = try FeatureReplay().run(path: transactions, onRejected: { _, _ in }) { transaction, features in
                rows.append(scoredRow(transaction, features, version: FeatureSchema.current.version, offset: rows.count))
            }
            let stored = rows.count
            for index in 0..<5 {
                var old = rows[index * 100]
                old.transaction.id = "OLD-\(index)"
                old.featureSchemaVersion = Int32(FeatureSchema.current.version + 1)
                old.offset = Int64(rows.count)
                rows.append(old)
            }
            let sink = ScoredTransactionSink(connection: connection, schema: schema)
            for start in stride(from: 0, to: rows.count, by: 5_000) {
                let batch = Array(rows[start..<min(start + 5_000, rows.count)])
                try await sink.write(batch, nextOffsets: [0: batch.last!.offset + 1], group: "workers", topic: "transactions")
            }
            let latest = try LabelFile.latestLabels(path: labels)
            try await LabelStore(schema: schema).write(latest.values.enumerated().map { LabelStore.Entry($1, partition: 0, offset: Int64($0)) }, rejects: [], on: connection)

            let flags = ["--trees", "30", "--depth", "4", "--seed", "5", "--target-precision", "0.8"]
            let fileModel = folder.appendingPathComponent("from-files.json").path
            let fromFiles = try CommandLineRunner.run(["train", "--input", transactions, "--labels", labels, "--output", fileModel] + flags)
            try #require(fromFiles.status == 0, "stderr: \(fromFiles.standardError)")

            let databaseModel = folder.appendingPathComponent("from-database.json").path
            let fromDatabase = try CommandLineRunner.run(
                ["train", "--from-database", "--database-url", url, "--schema", schema, "--output", databaseModel, "--log-level", "warning"] + flags)
            #expect(fromDatabase.status == 0, "stderr: \(fromDatabase.standardError)")
            let output = fromDatabase.standardOutput
            #expect(output.contains("train: read \(stored + 5) scored rows from \(schema).scored_transactions"), "\(output)")
            #expect(output.contains("skipped 5 of another feature schema version (v\(FeatureSchema.current.version + 1): 5 rows), this build's is v\(FeatureSchema.current.version)"), "\(output)")
            #expect(output.contains("train: \(stored) transactions ("), "\(output)")
            for figure in ["precision", "recall", "PR-AUC", "ROC-AUC", "per fraud type     recall", "scenarios  ", "train: model written to \(databaseModel)"] {
                #expect(output.contains(figure), "\(figure) missing from: \(output)")
            }
            let prAUC = output.split(separator: "\n").first { $0.contains("PR-AUC") }
                .flatMap { line in line.split(separator: " ").dropFirst().first.flatMap { Double($0) } }
            #expect((prAUC ?? 0) > 0.5, "PR-AUC far above the 2 % base rate; output: \(output)")

            // Same rows, labels, split and seed: the same model and the same report.
            let fileModelBytes = try Data(contentsOf: URL(fileURLWithPath: fileModel))
            let databaseModelBytes = try #require(FileManager.default.contents(atPath: databaseModel), "no model written")
            #expect(databaseModelBytes == fileModelBytes)
            let report = { (text: String) in text.split(separator: "\n").filter { !$0.hasPrefix("train: read") && !$0.hasPrefix("train: model written") } }
            #expect(report(output) == report(fromFiles.standardOutput))

            // --since counts back from the database's clock, and the simulated history is from 2025.
            let recent = try CommandLineRunner.run(
                ["train", "--from-database", "--database-url", url, "--schema", schema, "--since", "1d", "--output", databaseModel])
            #expect(recent.status != 0)
            #expect(recent.standardError.contains("\(schema).scored_transactions has no scored rows with event times in the last 1d"), "stderr: \(recent.standardError)")
        }
    }

    @Test("a database without rows of this feature schema version is refused, naming the versions it holds")
    func noUsableRows() async throws {
        try await withMigratedSchema { url, schema, connection in
            let arguments = ["train", "--from-database", "--database-url", url, "--schema", schema, "--log-level", "warning",
                             "--output", FileManager.default.temporaryDirectory.appendingPathComponent("unused-\(UUID().uuidString).json").path]
            let empty = try CommandLineRunner.run(arguments)
            #expect(empty.status != 0)
            #expect(empty.standardError.contains("--from-database: \(schema).scored_transactions has no scored rows; run the worker first"), "stderr: \(empty.standardError)")

            for (index, version) in [7, 7, 9].enumerated() {
                try await connection.execute("""
                    INSERT INTO \(schema).scored_transactions VALUES ($1, now(), 'TRANSFER', 1, 'C1', 1, 0, 'M1', 0, 1,
                      '{1,2}', $2, 0.5, false, 'gbt', 0, $3, now())
                    """, [.text("T\(index)"), .int(version), .int(index)])
            }
            let other = try CommandLineRunner.run(arguments)
            #expect(other.status != 0)
            #expect(other.standardError.contains(
                "--from-database: none of the 3 scored rows in \(schema).scored_transactions has feature schema v\(FeatureSchema.current.version) (found v7: 2 rows, v9: 1 row)"),
                "stderr: \(other.standardError)")
            #expect(!other.standardError.contains("Usage:"), "not a usage error: \(other.standardError)")
        }
    }

    @Test(
        "--from-database and the file flags exclude each other, with errors naming the flags",
        arguments: [
            (["train", "--from-database", "--input", "tx.jsonl"], "--from-database reads the scored rows and labels from PostgreSQL; it cannot be combined with --input: drop it or drop --from-database"),
            (["train", "--from-database", "--labels", "labels.jsonl"], "it cannot be combined with --labels: drop it"),
            (["train", "--from-database", "--input", "tx.jsonl", "--labels", "labels.jsonl"], "it cannot be combined with --input and --labels: drop them"),
            (["train"], "--input and --labels are required (the files fraudstream generate --output and --labels-output write), unless --from-database is given"),
            (["train", "--input", "tx.jsonl"], "--input and --labels are required"),
            (["train", "--database-url", "postgres://db/fraud"], "--database-url applies only to --from-database"),
            (["train", "--since", "7d"], "--since applies only to --from-database"),
            (["train", "--from-database", "--since", "soon"], #"--since: expected a duration like 30s, 10m, 2h or 7d, got "soon""#),
            (["train", "--from-database", "--schema", "Robert'); DROP TABLE"], "--schema: schema name must be a lower-case identifier"),
        ])
    func conflictingFlags(arguments: [String], message: String) throws {
        let result = try CommandLineRunner.run(arguments)
        #expect(result.status != 0)
        #expect(result.standardError.contains(message), "stderr was: \(result.standardError)")
        #expect(result.standardError.contains("Usage: fraudstream train"))
    }

    // MARK: helpers

    private func scoredRow(_ transaction: Transaction, _ features: FeatureVector, version: Int, offset: Int) -> ScoredTransaction {
        ScoredTransaction(
            transaction: transaction, features: features, featureSchemaVersion: Int32(version), score: 0.5, flagged: false,
            modelVersion: "test", partition: 0, offset: Int64(offset), scoredAt: transaction.timestamp)
    }

    private func databaseURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["FRAUDSTREAM_TEST_DATABASE_URL"], !url.isEmpty else {
            Issue.record("FRAUDSTREAM_TEST_DATABASE_URL is not set: run `make test`, or start PostgreSQL and export it")
            throw CocoaError(.featureUnsupported)
        }
        return url
    }

    /// Runs `body` with a fresh, migrated schema and a connection to it, and drops the schema
    /// afterwards, also when `body` fails.
    private func withMigratedSchema(_ body: (String, String, PostgresConnection) async throws -> Void) async throws {
        let url = try databaseURL()
        let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let connection = try await PostgresConnection.connect(PostgresConfiguration(url), logger: quiet)
        let migrator = try SchemaMigrator(schema: "cli_train_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased())")
        do {
            try await migrator.migrate(connection, logger: quiet)
            try await body(url, migrator.schema, connection)
        } catch {
            _ = try? await connection.execute("DROP SCHEMA IF EXISTS \(migrator.schema) CASCADE")
            await connection.close()
            throw error
        }
        try await connection.execute("DROP SCHEMA \(migrator.schema) CASCADE")
        await connection.close()
    }
}
