import Foundation
import FraudModel
import FraudPipeline
import Kafka
import Postgres
import TestSupport
import Testing

@Suite("Model hot swap in a running worker", .serialized)
struct ModelHotSwapTests {
    @Test("activating a new version under load switches every partition once, at the first record of a batch, each batch wholly one version; nothing lost or repeated; each row scored by the version it records; the swap counter moves")
    func switchesUnderLoad() async throws {
        let url = try TestDatabase.url()
        let schema = TestDatabase.uniqueName("hotswap")
        let database = ["--database-url", url, "--schema", schema]
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }

        // Two genuinely different models: the bundled trees ("old") and a logistic regression
        // trained here with train --register ("new").
        let registered = try CommandLineRunner.run(["model", "register", WorkerTestStream.defaultModelPath, "--version", "old"] + database)
        #expect(registered.status == 0, "stderr: \(registered.standardError)")
        try trainAndRegister(version: "new", database: database)
        let activatedOld = try CommandLineRunner.run(["model", "activate", "old"] + database)
        #expect(activatedOld.status == 0, "stderr: \(activatedOld.standardError)")
        let registry = try ModelRegistry(schema: schema)
        let models = ["old": try await registry.load("old", on: connection), "new": try await registry.load("new", on: connection)]

        let cluster = try EmbeddedKafkaCluster()
        defer { cluster.shutdown() }
        let topic = "transactions"
        let partitions = 4
        try cluster.createTopic(topic, partitions: partitions)
        let production = try BackgroundProduction(cluster: cluster, topic: topic, partitions: partitions, count: 40_000, rate: 2500, seed: 21)
        let worker = try WorkerProcess(brokers: cluster.bootstrapServers, databaseURL: url, schema: schema, group: "hotswap",
            // At trace level the worker logs each batch's partition, offsets and model.
            arguments: ["--labels-topic", "none", "--log-level", "trace"])
        let metricsURL = "http://127.0.0.1:\(try await worker.httpPort())/metrics"
        let swaps = { try PrometheusSamples(parsing: try await httpGet(metricsURL).body).value("fraudstream_model_swaps_total") }
        let count = { try await connection.query("SELECT count(*) FROM \(schema).scored_transactions")[0][0, as: Int.self] }

        // Switch once the worker has scored a good share, while records keep arriving.
        let started = try await eventually(timeout: .seconds(90)) { (try? await count()) ?? 0 >= 8000 }
        try #require(started, "the worker did not score 8000 rows; its log:\n\(worker.log.suffix(3000))")
        let rowsBefore = try await count()
        #expect(try await swaps() == 0)
        let activated = try CommandLineRunner.run(["model", "activate", "new"] + database)
        #expect(activated.status == 0, "stderr: \(activated.standardError)")
        #expect(activated.standardOutput.contains("activated model version new"), "\(activated.standardOutput)")

        let produced = try await production.finish().transactions
        let done = try await eventually(timeout: .seconds(120)) { (try? await count()) ?? 0 >= produced }
        #expect(done, "the worker did not store all \(produced) transactions; its log:\n\(worker.log.suffix(3000))")
        #expect(try await swaps() == 1, "fraudstream_model_swaps_total after one activation")
        let stopped = worker.terminate()
        #expect(stopped.status == 0, "exit status \(stopped.status)")
        let log = worker.log
        #expect(log.contains("scoring with the registry's active model version") && log.contains("model=old"), "the worker started with the active version: \(log.prefix(3000))")
        #expect(log.contains("model switched"), "no switch logged: \(log.suffix(3000))")

        // Exactly once: every produced transaction, each offset of each partition, once.
        let rows = try await connection.query(
            "SELECT kafka_partition, kafka_offset, model_version, features, score, flagged FROM \(schema).scored_transactions ORDER BY kafka_partition, kafka_offset")
        #expect(rows.count == produced, "\(rows.count) rows for \(produced) produced transactions")
        let duplicates = try await connection.query("SELECT count(*) FROM \(schema).duplicate_transactions")[0][0, as: Int.self]
        #expect(duplicates == 0)

        var versionsByPartition: [Int32: [String]] = [:]
        var offsetsByPartition: [Int32: [Int64]] = [:]
        var byVersion: [String: (features: [Double], scores: [Double], flagged: [Bool])] = [:]
        for row in rows {
            let partition = try row[0, as: Int32.self]
            let version = try row[2, as: String.self]
            offsetsByPartition[partition, default: []].append(try row[1, as: Int64.self])
            versionsByPartition[partition, default: []].append(version)
            byVersion[version, default: ([], [], [])].features += try row[3, as: PostgresArray<Double>.self].elements
            byVersion[version, default: ([], [], [])].scores.append(try row[4, as: Double.self])
            byVersion[version, default: ([], [], [])].flagged.append(try row[5, as: Bool.self])
        }
        for (partition, offsets) in offsetsByPartition {
            #expect(offsets == Array(0..<Int64(offsets.count)), "partition \(partition): offsets are not 0..<\(offsets.count) each once")
        }
        #expect(Set(byVersion.keys) == ["old", "new"], "versions stored: \(byVersion.keys.sorted())")

        // One switch point per partition: old...old, then new...new, with both present.
        #expect(versionsByPartition.count == partitions)
        for (partition, versions) in versionsByPartition {
            let firstNew = versions.firstIndex(of: "new")
            #expect(firstNew != nil && firstNew! > 0, "partition \(partition) did not switch, or never scored with old")
            if let firstNew {
                #expect(!versions[..<firstNew].contains("new") && !versions[firstNew...].contains("old"),
                    "partition \(partition): versions go back and forth")
            }
        }

        // Batches as the worker logged them: each row lies in one, carries that batch's model,
        // and every partition's first "new" row is the first record of a batch.
        let batches = Self.scoredBatches(in: log)
        #expect(batches.count >= partitions * 2, "\(batches.count) batch lines at trace level")
        for (partition, versions) in versionsByPartition {
            let offsets = offsetsByPartition[partition]!
            let ofPartition = batches.filter { $0.partition == partition }
            var batchIndex = 0
            var outside = 0, mismatched = 0
            for (offset, version) in zip(offsets, versions) {
                while batchIndex < ofPartition.count && ofPartition[batchIndex].offsets.upperBound < offset { batchIndex += 1 }
                guard batchIndex < ofPartition.count, ofPartition[batchIndex].offsets.contains(offset) else {
                    outside += 1
                    continue
                }
                if ofPartition[batchIndex].model != version { mismatched += 1 }
            }
            #expect(outside == 0, "partition \(partition): \(outside) rows in no logged batch")
            #expect(mismatched == 0, "partition \(partition): \(mismatched) rows carry another version than their batch")
            if let firstNew = versions.firstIndex(of: "new") {
                #expect(ofPartition.contains { $0.offsets.lowerBound == offsets[firstNew] && $0.model == "new" },
                    "partition \(partition): the switch at offset \(offsets[firstNew]) is not the start of a batch")
            }
        }
        #expect((byVersion["old"]?.scores.count ?? 0) >= rowsBefore, "rows written before the activation carry the old version")

        // Each row has the score its version gives its stored features, and its flag.
        for (version, stored) in byVersion {
            let model = try #require(models[version])
            let rescored = model.model.scores(rowMajor: stored.features)
            let mismatched = zip(rescored, stored.scores).count { $0.bitPattern != $1.bitPattern }
            #expect(mismatched == 0, "\(mismatched) of \(stored.scores.count) rows of \(version) do not have the score \(version) gives their features")
            let misflagged = zip(stored.scores, stored.flagged).count { ($0 >= model.decisionThreshold) != $1 }
            #expect(misflagged == 0, "\(misflagged) rows of \(version) flagged against another threshold")
        }
        let newRows = try #require(byVersion["new"])
        let oldScoresOfNewRows = try #require(models["old"]).model.scores(rowMajor: newRows.features)
        let differing = zip(oldScoresOfNewRows, newRows.scores).count { $0 != $1 }
        #expect(differing > newRows.scores.count / 2, "the two models score alike (\(differing) of \(newRows.scores.count) differ): the test would not notice a mix-up")

        // Alerts carry the threshold of the version that scored them.
        let flaggedCount = byVersion.values.reduce(0) { $0 + $1.flagged.count { $0 } }
        let alerts = try await readTopic(cluster: cluster, topic: "fraud_alerts", expected: flaggedCount)
        var wrongThreshold = 0
        for alert in alerts {
            guard let object = try? JSONSerialization.jsonObject(with: Data(alert.value)) as? [String: Any],
                  let version = object["model_version"] as? String, let threshold = object["threshold"] as? Double
            else {
                Issue.record("an alert that is not the documented JSON")
                continue
            }
            // Foundation's JSON parser may differ from the shortest round-trip form in the last bit.
            guard let want = models[version]?.decisionThreshold, abs(threshold - want) <= 1e-12 else {
                wrongThreshold += 1
                continue
            }
        }
        #expect(alerts.count >= flaggedCount, "\(alerts.count) alerts for \(flaggedCount) flagged rows")
        #expect(wrongThreshold == 0, "\(wrongThreshold) alerts carry another version's threshold")

        try await connection.execute("DROP SCHEMA \(schema) CASCADE")
    }

    @Test("a worker refuses an activated version it cannot score with and keeps scoring; after its listening session is killed it reconnects and follows the activation; partitions it takes back after a rebalance score with the new version")
    func refusesBadVersionsAndReconnects() async throws {
        let url = try TestDatabase.url()
        let schema = TestDatabase.uniqueName("hotswap")
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        try await SchemaMigrator(schema: schema).migrate(connection, logger: .quiet)
        let registry = try ModelRegistry(schema: schema)
        let bundled = try ModelFile.load(WorkerTestStream.defaultModelPath)
        var stricter = bundled
        stricter.decisionThreshold = 0.999
        var otherSchema = bundled
        otherSchema.featureSchema.version += 1
        _ = try await registry.register(bundled, version: "old", on: connection)
        _ = try await registry.register(stricter, version: "new", on: connection)
        _ = try await registry.register(otherSchema, version: "future", on: connection)

        let cluster = try EmbeddedKafkaCluster()
        defer { cluster.shutdown() }
        try cluster.createTopic("transactions", partitions: 2)
        let production = try BackgroundProduction(cluster: cluster, topic: "transactions", partitions: 2, count: 45_000, rate: 1000, seed: 5)
        // No active version yet: the worker scores with its model file, under the file's version.
        let worker = try WorkerProcess(brokers: cluster.bootstrapServers, databaseURL: url, schema: schema, group: "refusal", arguments: ["--labels-topic", "none"])
        let versions = {
            try await connection.query("SELECT DISTINCT model_version FROM \(schema).scored_transactions").map { try $0[0, as: String.self] }
        }
        let scoring = try await eventually(timeout: .seconds(90)) { (try? await versions().count) == 1 }
        try #require(scoring, "the worker scored nothing; its log:\n\(worker.log.suffix(3000))")
        let fileVersion = try await versions()[0]
        #expect(fileVersion.hasPrefix("default-"), "rows scored with the bundled file carry its version: \(fileVersion)")
        #expect(worker.log.contains("no active model version in the registry"))

        // Activated with plain SQL, past the command's checks: the worker must refuse it itself.
        try await connection.execute("INSERT INTO \(schema).model_activations (version) VALUES ('future')")
        let refused = try await eventually(timeout: .seconds(30)) { worker.log.contains("model activation refused") }
        #expect(refused, "no refusal logged: \(worker.log.suffix(3000))")
        let before = try await connection.query("SELECT count(*) FROM \(schema).scored_transactions")[0][0, as: Int.self]
        let keptScoring = try await eventually(timeout: .seconds(30)) {
            (try? await connection.query("SELECT count(*) FROM \(schema).scored_transactions")[0][0, as: Int.self]) ?? 0 > before + 1000
        }
        #expect(keptScoring, "the worker stopped scoring after refusing the version: \(worker.log.suffix(3000))")
        #expect(try await versions() == [fileVersion], "after the refusal the file's model keeps scoring")

        // Kill the worker's listening session and activate meanwhile: whether the notification
        // reaches the dying session or not, the worker re-reads the active version once it has
        // listened again.
        try await connection.withTransaction { connection in
            let killed = try await connection.query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = $1",
                [.text("LISTEN \"\(ModelRegistry.activationChannel)\"")])
            #expect(killed.count >= 1, "no listening session found")
            try await connection.execute("INSERT INTO \(schema).model_activations (version) VALUES ('new')")
        }
        let switched = try await eventually(timeout: .seconds(30)) { (try? await versions().contains("new")) == true }
        #expect(switched, "the worker did not switch to new; its log:\n\(worker.log.suffix(3000))")
        #expect(worker.log.contains("listening for PostgreSQL notifications again"), "no reconnection logged: \(worker.log.suffix(3000))")

        // A second worker takes a partition and leaves again: the first restores it with the
        // model active now, not the one it started with.
        let second = try WorkerProcess(brokers: cluster.bootstrapServers, databaseURL: url, schema: schema, group: "refusal", arguments: ["--labels-topic", "none"])
        let shared = try await eventually(timeout: .seconds(60)) { second.log.contains("partition assigned") }
        #expect(shared, "the second worker got no partition: \(second.log.suffix(3000))")
        try await Task.sleep(for: .seconds(2))
        let assignments = { worker.log.components(separatedBy: "partition assigned").count - 1 }
        let assignedBefore = assignments()
        #expect(second.terminate().status == 0)
        let restored = try await eventually(timeout: .seconds(60)) { assignments() > assignedBefore }
        #expect(restored, "the first worker did not take the partition back: \(worker.log.suffix(3000))")
        let produced = try await production.finish().transactions
        let done = try await eventually(timeout: .seconds(120)) {
            (try? await connection.query("SELECT count(*) FROM \(schema).scored_transactions")[0][0, as: Int.self]) ?? 0 >= produced
        }
        #expect(done, "not every transaction was stored: \(worker.log.suffix(3000))")
        let stopped = worker.terminate()
        #expect(stopped.status == 0)
        let rows = try await connection.query("SELECT kafka_partition, model_version FROM \(schema).scored_transactions ORDER BY kafka_partition, kafka_offset")
        #expect(rows.count == produced)
        var byPartition: [Int32: [String]] = [:]
        for row in rows { byPartition[try row[0, as: Int32.self], default: []].append(try row[1, as: String.self]) }
        for (partition, versions) in byPartition {
            let firstNew = versions.firstIndex(of: "new") ?? versions.endIndex
            #expect(firstNew < versions.endIndex && versions[firstNew...].allSatisfy { $0 == "new" },
                "partition \(partition): rows after the switch carry another version: \(Set(versions[firstNew...]))")
        }
        let flaggedWrongly = try await connection.query(
            "SELECT count(*) FROM \(schema).scored_transactions WHERE model_version = 'new' AND flagged <> (score >= $1)", [.double(stricter.decisionThreshold)])
        #expect(try flaggedWrongly[0][0, as: Int.self] == 0, "rows of new flagged against another threshold")
        #expect(try await versions().contains("future") == false)
        try await connection.execute("DROP SCHEMA \(schema) CASCADE")
    }

    /// A batch as the worker logs it at trace level (`batch scored`).
    struct LoggedBatch {
        var partition: Int32
        var offsets: ClosedRange<Int64>
        var model: String
    }

    /// The `batch scored` lines of a worker's log, in order.
    static func scoredBatches(in log: String) -> [LoggedBatch] {
        log.split(separator: "\n").compactMap { line -> LoggedBatch? in
            guard line.hasSuffix("batch scored") else { return nil }
            var fields: [Substring: Substring] = [:]
            for token in line.split(separator: " ") {
                guard let equals = token.firstIndex(of: "=") else { continue }
                fields[token[..<equals]] = token[token.index(after: equals)...]
            }
            guard let partition = fields["partition"].flatMap({ Int32($0) }), let first = fields["firstOffset"].flatMap({ Int64($0) }),
                  let last = fields["lastOffset"].flatMap({ Int64($0) }), let model = fields["model"], first <= last
            else { return nil }
            return LoggedBatch(partition: partition, offsets: first...last, model: String(model))
        }
    }

    /// Generates a small labelled set and runs `train --kind logistic --register`.
    private func trainAndRegister(version: String, database: [String]) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hotswap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let transactions = folder.appendingPathComponent("tx.jsonl").path
        let labels = folder.appendingPathComponent("labels.jsonl").path
        let generated = try CommandLineRunner.run([
            "generate", "--clock", "simulated", "--max", "--rate", "4", "--count", "20000", "--accounts", "1000",
            "--fraud-rate", "0.02", "--seed", "3", "--output", transactions, "--labels-output", labels,
        ])
        try #require(generated.status == 0, "generate failed: \(generated.standardError)")
        let trained = try CommandLineRunner.run([
            "train", "--input", transactions, "--labels", labels, "--output", folder.appendingPathComponent("model.json").path,
            "--kind", "logistic", "--target-precision", "0.5", "--register", "--version", version, "--description", "hot swap test",
        ] + database)
        try #require(trained.status == 0, "train --register failed: \(trained.standardError)")
        #expect(trained.standardOutput.contains("registered model version \(version)"), "\(trained.standardOutput)")
    }
}
