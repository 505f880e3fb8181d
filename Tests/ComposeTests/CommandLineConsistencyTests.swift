import Foundation
import Testing

/// Every `fraudstream` subcommand, flag and environment variable that compose/ uses (the
/// compose files, the Dockerfile's CMD, the README's commands) exists in the built binary's
/// `--help`.
@Suite("compose/ agrees with fraudstream --help", .serialized)
struct CommandLineConsistencyTests {
    /// One use of the binary: the words after `fraudstream`, and the environment it gets.
    struct Invocation: CustomStringConvertible {
        var source: String
        var words: [String]
        var environment: [String: String] = [:]
        var description: String { "\(source): fraudstream \(words.joined(separator: " "))" }
    }

    /// The uses in the compose files (each fraudstream service's command and environment), the
    /// Dockerfile's default command, and the README's shell blocks.
    static func invocations() throws -> [Invocation] {
        var found: [Invocation] = []
        let dockerfile = try Dockerfile(parsing: try RepositoryFiles.text("compose/Dockerfile"))
        let defaultCommand = try #require(dockerfile.finalStage?.instructions("CMD").last.map { Dockerfile.commandWords($0.arguments) })
        found.append(Invocation(source: "compose/Dockerfile CMD", words: defaultCommand))
        for path in ComposeFile.paths {
            for (name, service) in try ComposeFile(path).fraudstreamServices.sorted(by: { $0.key < $1.key }) {
                let command = ComposeFile.command(service)
                found.append(Invocation(source: "\(path) \(name)", words: command.isEmpty ? defaultCommand : command, environment: ComposeFile.environment(service)))
            }
        }
        found += try readmeInvocations("compose/README.md")
        return found
    }

    /// `fraudstream …` commands in a Markdown file's fenced code blocks, up to a pipe,
    /// redirection, `;`, `&&` or comment.
    static func readmeInvocations(_ path: String) throws -> [Invocation] {
        var found: [Invocation] = []
        var inBlock = false
        var pending = ""
        for (number, line) in try RepositoryFiles.text(path).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("```") { inBlock.toggle(); continue }
            guard inBlock else { continue }
            pending += line.hasSuffix("\\") ? line.dropLast() + " " : line
            if line.hasSuffix("\\") { continue }
            let words = pending.split(whereSeparator: \.isWhitespace).map(String.init)
            pending = ""
            var index = 0
            while index < words.count {
                defer { index += 1 }
                guard words[index] == "fraudstream" || words[index].hasSuffix("/fraudstream") else { continue }
                let rest = words[(index + 1)...].prefix { !["|", ">", "2>", ";", "&&", "#", ")"].contains($0) && !$0.hasPrefix("#") }
                guard let first = rest.first, first.first?.isLetter == true else { continue }
                found.append(Invocation(source: "\(path):\(number + 1)", words: Array(rest)))
            }
        }
        return found
    }

    @Test("subcommands, flags and environment variables used in compose/ exist")
    func usesExist() throws {
        let root = try CommandLineHelp([])
        var helps: [String: CommandLineHelp] = [:]
        let invocations = try Self.invocations()
        #expect(invocations.count >= 8, "found \(invocations)")
        #expect(invocations.contains { $0.source.hasPrefix("compose/README.md") }, "the README shows no fraudstream command")
        for invocation in invocations {
            let subcommand = try #require(invocation.words.first)
            guard root.subcommands.contains(subcommand) else {
                Issue.record("\(invocation): fraudstream has no subcommand \(subcommand); it has \(root.subcommands.sorted())")
                continue
            }
            let help = try helps[subcommand] ?? CommandLineHelp([subcommand])
            helps[subcommand] = help
            for word in invocation.words.dropFirst() where word.hasPrefix("--") {
                let flag = String(word.split(separator: "=", maxSplits: 1)[0])
                #expect(help.flags.contains(flag),
                        "\(invocation): fraudstream \(subcommand) has no \(flag); it has \(help.flags.sorted())")
            }
            for (index, word) in invocation.words.enumerated() where word == "--kafka-property" {
                let value = index + 1 < invocation.words.count ? invocation.words[index + 1] : ""
                #expect(value.wholeMatch(of: /[a-z][a-z0-9._]*=.+/) != nil, "\(invocation): --kafka-property takes key=value, got \(value)")
            }
            for variable in invocation.environment.keys.sorted() {
                let libpq = variable.hasPrefix("PG") && help.text.contains("PG*")
                #expect(help.environmentVariables.contains(variable) || libpq,
                        "\(invocation): fraudstream \(subcommand) reads no \(variable); its help names \(help.environmentVariables.sorted())")
            }
        }
    }

    @Test("the topics compose creates are the worker's default topics")
    func topicDefaults() throws {
        let help = try CommandLineHelp(["worker"]).flattened
        let script = ComposeFile.command(try ComposeFile("compose/docker-compose.yml").service("topics")).joined(separator: " ")
        for variable in ["FRAUDSTREAM_TOPIC", "FRAUDSTREAM_LABELS_TOPIC", "FRAUDSTREAM_DEAD_LETTER_TOPIC", "FRAUDSTREAM_ALERTS_TOPIC"] {
            let match = try #require(help.firstMatch(of: try Regex("\\$\(variable), default ([^)\\s]+)\\)")), "worker --help gives no default for \(variable)")
            let topic = String(match.output[1].substring ?? "")
            #expect(script.contains(topic + ":"), "the topics step does not create \(topic), the worker's default for \(variable)")
        }
    }
}
