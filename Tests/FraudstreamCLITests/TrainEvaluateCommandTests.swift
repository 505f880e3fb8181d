import Foundation
import Testing

@Suite("fraudstream train and evaluate", .serialized)
struct TrainEvaluateCommandTests {
    /// Generated transactions and labels, shared by the tests of this suite.
    static let data: Result<(folder: URL, transactions: String, labels: String), any Error> = Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("train-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let transactions = folder.appendingPathComponent("tx.jsonl").path
        let labels = folder.appendingPathComponent("labels.jsonl").path
        let generated = try CommandLineRunner.run([
            "generate", "--clock", "simulated", "--max", "--rate", "4", "--count", "40000", "--accounts", "1000",
            "--fraud-rate", "0.02", "--seed", "11", "--output", transactions, "--labels-output", labels,
        ])
        guard generated.status == 0 else { throw CocoaError(.fileWriteUnknown) }
        return (folder, transactions, labels)
    }

    @Test("training learns far above the base rate, and the same seed gives the same model file byte for byte")
    func trainsReproducibly() throws {
        let data = try Self.data.get()
        var models: [Data] = []
        for run in 0..<2 {
            let output = data.folder.appendingPathComponent("model-\(run).json").path
            let result = try CommandLineRunner.run([
                "train", "--input", data.transactions, "--labels", data.labels, "--output", output,
                "--trees", "30", "--depth", "4", "--seed", "5", "--target-precision", "0.8",
            ])
            #expect(result.status == 0, "stderr: \(result.standardError)")
            let prAUC = result.standardOutput.split(separator: "\n").first { $0.contains("PR-AUC") }
                .flatMap { line in line.split(separator: " ").dropFirst().first.flatMap { Double($0) } }
            #expect((prAUC ?? 0) > 0.5, "PR-AUC far above the 2 % base rate; output: \(result.standardOutput)")
            #expect(result.standardOutput.contains("per fraud type     recall"))
            #expect(result.standardOutput.contains("scenarios  ") && result.standardOutput.contains("value      "))
            models.append(try Data(contentsOf: URL(fileURLWithPath: output)))
        }
        #expect(models[0] == models[1])
    }

    @Test("evaluate reports the figures of a trained model, and of the bundled default model")
    func evaluates() throws {
        let data = try Self.data.get()
        let model = data.folder.appendingPathComponent("model-eval.json").path
        let trained = try CommandLineRunner.run([
            "train", "--input", data.transactions, "--labels", data.labels, "--output", model, "--trees", "20", "--depth", "4",
        ])
        #expect(trained.status == 0, "stderr: \(trained.standardError)")
        for arguments in [["--model", model], []] {
            let result = try CommandLineRunner.run(["evaluate", "--input", data.transactions, "--labels", data.labels] + arguments)
            #expect(result.status == 0, "stderr: \(result.standardError)")
            for figure in ["precision", "recall", "F1", "PR-AUC", "ROC-AUC", "TP", "FP", "FN", "TN"] {
                #expect(result.standardOutput.contains(figure), "\(figure) missing from: \(result.standardOutput)")
            }
        }
    }

    @Test("bad flags and a model for another feature schema are refused with messages that say what to fix")
    func refusals() throws {
        let data = try Self.data.get()
        let kind = try CommandLineRunner.run(["train", "--input", data.transactions, "--labels", data.labels, "--kind", "forest"])
        #expect(kind.status != 0)
        #expect(kind.standardError.contains("--kind: expected gbt or logistic, got \"forest\""))
        let missing = try CommandLineRunner.run(["evaluate", "--input", "/nonexistent.jsonl", "--labels", data.labels])
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("--input: no file at \"/nonexistent.jsonl\""))

        // A model file whose schema version is not the engine's: a v1 model, as every model
        // trained before feature schema v2 is. The threshold is given: this small model need
        // not reach the default target precision.
        let model = data.folder.appendingPathComponent("model-other-schema.json").path
        let trained = try CommandLineRunner.run([
            "train", "--input", data.transactions, "--labels", data.labels, "--output", model, "--trees", "5", "--depth", "3",
            "--threshold", "0.5",
        ])
        #expect(trained.status == 0, "stderr: \(trained.standardError)")
        let text = try String(contentsOfFile: model, encoding: .utf8)
        let other = text.replacingOccurrences(of: "\"version\":2", with: "\"version\":1")
        #expect(other != text)
        try other.write(toFile: model, atomically: true, encoding: .utf8)
        let refused = try CommandLineRunner.run(["evaluate", "--model", model, "--input", data.transactions, "--labels", data.labels])
        #expect(refused.status != 0)
        #expect(refused.standardError.contains("model expects feature schema \"fraudstream-features\" v1, the engine produces v2"))
    }
}
