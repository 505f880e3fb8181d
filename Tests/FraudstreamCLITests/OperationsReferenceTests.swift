import Foundation
import Testing

/// The worker's configuration reference (the table under "## Configuration" in docs/worker.md,
/// which docs/operations.md links to) lists exactly the flags and environment variables of
/// `fraudstream worker --help`.
@Suite("worker configuration reference")
struct OperationsReferenceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The reference table's rows: the flags of the first column and the variables of the second.
    static func referenceTable() throws -> (flags: Set<String>, variables: Set<String>) {
        let text = try String(contentsOf: root.appendingPathComponent("docs/worker.md"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let section = try #require(lines.firstIndex(of: "## Configuration"), "docs/worker.md has no ## Configuration section")
        let rows = lines[(section + 1)...].drop { !$0.hasPrefix("|") }.prefix { $0.hasPrefix("|") }.dropFirst(2)
        var flags = Set<String>()
        var variables = Set<String>()
        for row in rows {
            let cells = row.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count > 3 else { continue }
            for match in cells[1].matches(of: /`(--[a-z0-9-]+)/) { flags.insert(String(match.1)) }
            for match in cells[2].matches(of: /`([A-Z][A-Z0-9_]*)`/) { variables.insert(String(match.1)) }
        }
        return (flags, variables)
    }

    /// `fraudstream worker --help`: the long flags under OPTIONS and the `$VARIABLES` named.
    static func help() throws -> (flags: Set<String>, variables: Set<String>) {
        let result = try CommandLineRunner.run(["worker", "--help"])
        #expect(result.status == 0, "stderr: \(result.standardError)")
        let text = result.standardOutput
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let options = try #require(lines.firstIndex { $0.hasPrefix("OPTIONS:") }, "no OPTIONS in worker --help: \(text)")
        var flags = Set<String>()
        for line in lines[(options + 1)...].prefix(while: { $0.isEmpty || $0.hasPrefix(" ") }) {
            if let match = line.firstMatch(of: /^\s{1,4}(?:-[A-Za-z], )?(--[a-z0-9][a-z0-9-]*)/) { flags.insert(String(match.1)) }
        }
        // The argument parser's own flags, on every command.
        flags.subtract(["--help", "--version"])
        let variables = Set(text.matches(of: /\$([A-Z][A-Z0-9_]*)/).map { String($0.1) })
        return (flags, variables)
    }

    @Test("every flag of worker --help is in the reference, and every flag in the reference is in --help")
    func flags() throws {
        let reference = try Self.referenceTable()
        let help = try Self.help()
        #expect(help.flags.count >= 20, "parsed \(help.flags.sorted())")
        #expect(help.flags.subtracting(reference.flags).isEmpty, "missing from docs/worker.md: \(help.flags.subtracting(reference.flags).sorted())")
        #expect(reference.flags.subtracting(help.flags).isEmpty, "in docs/worker.md but not in worker --help: \(reference.flags.subtracting(help.flags).sorted())")
    }

    @Test("every environment variable of worker --help is in the reference, and the other way round")
    func variables() throws {
        let reference = try Self.referenceTable()
        let help = try Self.help()
        #expect(help.variables.contains("KAFKA_BROKERS") && help.variables.contains("DATABASE_URL"), "parsed \(help.variables.sorted())")
        #expect(help.variables.subtracting(reference.variables).isEmpty, "missing from docs/worker.md: \(help.variables.subtracting(reference.variables).sorted())")
        #expect(reference.variables.subtracting(help.variables).isEmpty, "in docs/worker.md but not named in worker --help: \(reference.variables.subtracting(help.variables).sorted())")
    }

    @Test("docs/operations.md points to the reference rather than keeping a second copy")
    func oneSourceOfTruth() throws {
        let operations = try String(contentsOf: Self.root.appendingPathComponent("docs/operations.md"), encoding: .utf8)
        #expect(operations.contains("worker.md#configuration"))
        #expect(!operations.contains("| `--batch-rows`"), "docs/operations.md repeats the worker's flag table")
    }
}
