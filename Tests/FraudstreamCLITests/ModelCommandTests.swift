import Foundation
import FraudModel
import TestSupport
import Testing

@Suite("fraudstream model and train --register", .serialized)
struct ModelCommandTests {
    @Test("train --register stores the model with its validation figures; list and show print them; register is idempotent")
    func trainRegisterListShow() async throws {
        let url = try TestDatabase.url()
        let schema = TestDatabase.uniqueName("models")
        let database = ["--database-url", url, "--schema", schema]
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("model-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let transactions = folder.appendingPathComponent("tx.jsonl").path
        let labels = folder.appendingPathComponent("labels.jsonl").path
        let output = folder.appendingPathComponent("model.json").path
        let generated = try CommandLineRunner.run([
            "generate", "--clock", "simulated", "--max", "--rate", "4", "--count", "20000", "--accounts", "1000",
            "--fraud-rate", "0.02", "--seed", "7", "--output", transactions, "--labels-output", labels,
        ])
        try #require(generated.status == 0, "\(generated.standardError)")

        let trained = try CommandLineRunner.run([
            "train", "--input", transactions, "--labels", labels, "--output", output, "--trees", "20", "--depth", "4",
            "--target-precision", "0.8", "--register", "--description", "first try",
        ] + database)
        #expect(trained.status == 0, "stderr: \(trained.standardError)")
        let version = try #require(trained.standardOutput.firstMatch(of: /registered model version (\S+);/)?.output.1).description
        #expect(version.wholeMatch(of: /gbt-\d{8}-[0-9a-f]{8}/) != nil, "derived version \(version)")

        let evaluation = try #require(try ModelFile.load(output).evaluation)
        let list = try CommandLineRunner.run(["model", "list"] + database)
        #expect(list.status == 0, "stderr: \(list.standardError)")
        let lines = list.standardOutput.split(separator: "\n")
        #expect(lines.first?.contains("VERSION") == true && lines.first?.contains("PRECISION") == true, "\(list.standardOutput)")
        let line = try #require(lines.first { $0.contains(version) }, "\(list.standardOutput)")
        for figure in [String(format: "%.3f", evaluation.precision), String(format: "%.3f", evaluation.recall), "first try", "gbt"] {
            #expect(line.contains(figure), "\(figure) missing from: \(line)")
        }
        #expect(!line.hasPrefix("*"), "nothing is active yet: \(line)")

        let again = try CommandLineRunner.run(["model", "register", output] + database)
        #expect(again.status == 0 && again.standardOutput.contains("already registered as version \(version)"), "\(again.standardOutput + again.standardError)")
        let taken = try CommandLineRunner.run(["model", "register", WorkerTestStream.defaultModelPath, "--version", version] + database)
        #expect(taken.status != 0 && taken.standardError.contains("already registered with another model file"), "\(taken.standardError)")

        let activated = try CommandLineRunner.run(["model", "activate", version] + database)
        #expect(activated.status == 0, "stderr: \(activated.standardError)")
        let listed = try CommandLineRunner.run(["model", "list"] + database)
        #expect(listed.standardOutput.split(separator: "\n").contains { $0.hasPrefix("*") && $0.contains(version) }, "\(listed.standardOutput)")
        let shown = try CommandLineRunner.run(["model", "show", version] + database)
        #expect(shown.status == 0, "stderr: \(shown.standardError)")
        for text in ["(active)", "precision", "PR-AUC", "first try", "last activated"] {
            #expect(shown.standardOutput.contains(text), "\(text) missing from: \(shown.standardOutput)")
        }

        let connection = try await TestDatabase.connect()
        let stored = try await connection.query("SELECT metrics->>'precision', threshold FROM \(schema).models WHERE version = $1", [.text(version)])
        #expect(try stored.first.map { Double(try $0[0, as: String.self]) } == evaluation.precision)
        #expect(try stored.first?[1, as: Double.self] == evaluation.threshold)
        try await connection.execute("DROP SCHEMA \(schema) CASCADE")
        await connection.close()
    }

    @Test("unknown versions, bad version names, misplaced flags and a missing registry are refused with what to do")
    func refusals() async throws {
        let url = try TestDatabase.url()
        let schema = TestDatabase.uniqueName("models")
        let database = ["--database-url", url, "--schema", schema]

        let missing = try CommandLineRunner.run(["model", "list"] + database)
        #expect(missing.status != 0 && missing.standardError.contains("fraudstream migrate"), "\(missing.standardError)")

        let registered = try CommandLineRunner.run(["model", "register", WorkerTestStream.defaultModelPath, "--version", "v1"] + database)
        #expect(registered.status == 0, "\(registered.standardError)")
        let unknown = try CommandLineRunner.run(["model", "activate", "v9"] + database)
        #expect(unknown.status != 0 && unknown.standardError.contains("no model version \"v9\"") && unknown.standardError.contains("v1"), "\(unknown.standardError)")
        let badName = try CommandLineRunner.run(["model", "register", WorkerTestStream.defaultModelPath, "--version", "a b"] + database)
        #expect(badName.status != 0 && badName.standardError.contains("--version"), "\(badName.standardError)")
        let notAFile = try CommandLineRunner.run(["model", "register", "/nonexistent/model.json"] + database)
        #expect(notAFile.status != 0 && notAFile.standardError.contains("/nonexistent/model.json"), "\(notAFile.standardError)")
        let versionWithoutRegister = try CommandLineRunner.run(["train", "--input", "x", "--labels", "y", "--version", "v2"])
        #expect(versionWithoutRegister.status != 0 && versionWithoutRegister.standardError.contains("--register"), "\(versionWithoutRegister.standardError)")

        let connection = try await TestDatabase.connect()
        try await connection.execute("DROP SCHEMA \(schema) CASCADE")
        await connection.close()
    }
}
