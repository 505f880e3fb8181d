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

    @Test("evaluate's figures add up: the confusion matrix covers every transaction and every labelled fraud, and precision, recall and F1 follow from it, for a trained model and for the bundled one")
    func evaluates() throws {
        let data = try Self.data.get()
        let model = data.folder.appendingPathComponent("model-eval.json").path
        let trained = try CommandLineRunner.run([
            "train", "--input", data.transactions, "--labels", data.labels, "--output", model, "--trees", "20", "--depth", "4",
        ])
        #expect(trained.status == 0, "stderr: \(trained.standardError)")
        // What the files hold, counted here: transactions, and those whose latest label is fraud.
        let transactions = try String(contentsOfFile: data.transactions, encoding: .utf8).split(separator: "\n").count
        var latest: [String: (at: String, fraud: Bool)] = [:]
        for line in try String(contentsOfFile: data.labels, encoding: .utf8).split(separator: "\n") {
            let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let id = object["id"] as! String, at = object["labeled_at"] as! String, fraud = object["is_fraud"] as! Bool
            if let current = latest[id], current.at > at { continue }
            latest[id] = (at, fraud)
        }
        let fraud = latest.values.count(where: \.fraud)
        #expect(transactions == 40_000 && fraud > 0)

        for arguments in [["--model", model], []] {
            let result = try CommandLineRunner.run(["evaluate", "--input", data.transactions, "--labels", data.labels] + arguments)
            #expect(result.status == 0, "stderr: \(result.standardError)")
            let output = result.standardOutput
            func number(after label: String) -> Double? {
                guard let range = output.range(of: label + " ") else { return nil }
                return Double(output[range.upperBound...].prefix { !$0.isWhitespace })
            }
            let tp = try #require(number(after: "TP")), fp = try #require(number(after: "FP"))
            let fn = try #require(number(after: "FN")), tn = try #require(number(after: "TN"))
            let precision = try #require(number(after: "precision")), recall = try #require(number(after: "recall"))
            let f1 = try #require(number(after: "F1"))
            #expect(output.contains(": \(transactions) transactions, \(fraud) fraud"), "\(output)")
            #expect(tp + fp + fn + tn == Double(transactions), "the confusion matrix does not cover every transaction: \(output)")
            #expect(tp + fn == Double(fraud), "TP + FN is not the labelled fraud: \(output)")
            #expect(tp > 0, "nothing caught: the ratios below would mean nothing")
            #expect(abs(precision - tp / (tp + fp)) <= 0.0005, "precision \(precision) for TP \(tp), FP \(fp)")
            #expect(abs(recall - tp / (tp + fn)) <= 0.0005, "recall \(recall) for TP \(tp), FN \(fn)")
            let wantF1 = 2 * tp / (2 * tp + fp + fn)
            #expect(abs(f1 - wantF1) <= 0.0005, "F1 \(f1), expected \(wantF1)")
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
