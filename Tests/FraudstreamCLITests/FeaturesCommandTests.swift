import Foundation
import Testing

@Suite("fraudstream features")
struct FeaturesCommandTests {
    @Test("writes a header and one row per valid transaction, and reports bad lines with their number and reason")
    func writesCSV() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("features-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("tx.jsonl").path
        let output = folder.appendingPathComponent("features.csv").path
        let lines = [
            #"{"id":"t1","timestamp":"2026-01-01T00:00:00.000Z","type":"TRANSFER","amount":10.0,"account_from":"C1","old_balance_from":100.0,"new_balance_from":90.0,"account_to":"C2","old_balance_to":0.0,"new_balance_to":10.0}"#,
            #"{"id":"t2","timestamp":"2026-01-01T00:00:30.000Z","type":"TRANSFER","amount":90.0,"account_from":"C1","old_balance_from":90.0,"new_balance_from":0.0,"account_to":"C2","old_balance_to":10.0,"new_balance_to":100.0}"#,
            #"{"id":"t3","type":"PAYMENT"}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)

        let result = try CommandLineRunner.run(["features", "--input", input, "--output", output])
        #expect(result.status == 0, "stderr: \(result.standardError)")
        #expect(result.standardError.contains("tx.jsonl:3: missing field"))
        #expect(result.standardError.contains("features: 2 transactions written, 1 lines rejected"))
        let rows = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.count == 3)
        let header = rows[0].map(String.init)
        #expect(header.prefix(3) == ["id", "event_time", "amount"])
        let second = Dictionary(uniqueKeysWithValues: zip(header, rows[2].map(String.init)))
        #expect(second["id"] == "t2")
        #expect(second["previous_amount"] == "10.0")
        #expect(second["seconds_since_previous"] == "30.0")
        #expect(second["minute_count"] == "2.0")
        #expect(second["balance_emptied"] == "1.0")
        #expect(second["first_counterparty"] == "0.0")
    }

    @Test("a missing input file is refused with a message that says what to pass")
    func missingInput() throws {
        let result = try CommandLineRunner.run(["features", "--input", "/nonexistent/tx.jsonl"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("--input: no file at \"/nonexistent/tx.jsonl\""))
    }
}
