import Foundation
import RegexBuilder

/// A Dockerfile read by our own small parser: parser directives, comments, line continuations,
/// instructions and their `--options`, build stages; checked for what Docker would refuse or
/// silently misread (see ``Dockerfile/init(parsing:)``).
///
/// Heredocs (`RUN <<EOF`) are refused rather than half-understood.
struct Dockerfile {
    /// Every instruction, in order (the `FROM`s included).
    var instructions: [DockerfileInstruction]
    /// The build stages, in order.
    var stages: [DockerfileStage]

    /// The instructions Docker knows.
    static let keywords: Set<String> = [
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
        "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    ]

    /// The last stage: the image that is built.
    var finalStage: DockerfileStage? { stages.last }

    /// The stage named `name`.
    func stage(named name: String) -> DockerfileStage? {
        stages.first { $0.name == name.lowercased() }
    }

    /// Parses and checks `text`.
    /// - Throws: ``DockerfileError`` for: an unknown instruction; an instruction before the first
    ///   `FROM` other than `ARG`; no `FROM`; a `FROM` without an image, with a malformed `AS`, or
    ///   reusing a stage name; `COPY --from` naming no earlier stage; a `CMD`, `ENTRYPOINT`,
    ///   `RUN`, `SHELL` or `HEALTHCHECK CMD` that starts with `[` but is not a JSON array of
    ///   strings (Docker would run it as a shell command); a `SHELL` that is no JSON array; a
    ///   malformed `EXPOSE` or `HEALTHCHECK`; a continuation at the end of the file; a heredoc.
    init(parsing text: String) throws {
        var escape: Character = "\\"
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }
        var index = 0
        // Parser directives: `# name=value` lines at the very top.
        while index < lines.count, let directive = Self.directive(lines[index]) {
            if directive.name == "escape" {
                guard directive.value == "\\" || directive.value == "`" else {
                    throw DockerfileError(line: index + 1, message: "escape directive must be \\ or `, got \(directive.value)")
                }
                escape = Character(directive.value)
            }
            index += 1
        }

        var instructions: [DockerfileInstruction] = []
        var stages: [DockerfileStage] = []
        while index < lines.count {
            let start = index
            var logical = ""
            var continued = true
            while continued {
                guard index < lines.count else {
                    throw DockerfileError(line: start + 1, message: "the last instruction ends with a line continuation")
                }
                let line = lines[index]
                index += 1
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                // Comment lines are dropped, also inside a continued instruction.
                if trimmed.hasPrefix("#") { if logical.isEmpty { break } else { continue } }
                if trimmed.isEmpty { if logical.isEmpty { break } else { continue } }
                if trimmed.last == escape {
                    logical += String(trimmed.dropLast()).trimmingCharacters(in: .whitespaces) + " "
                } else {
                    logical += trimmed
                    continued = false
                }
            }
            let content = logical.trimmingCharacters(in: .whitespaces)
            guard !content.isEmpty else { continue }
            var instruction = try Self.instruction(content, line: start + 1, stage: stages.count - 1)
            if instruction.keyword == "FROM" {
                let stage = try Self.stage(from: instruction, index: stages.count, earlier: stages)
                stages.append(stage)
                instruction.stage = stage.index
            } else if stages.isEmpty, instruction.keyword != "ARG" {
                throw DockerfileError(line: start + 1, message: "\(instruction.keyword) before the first FROM (only ARG may come first)")
            } else if !stages.isEmpty {
                try Self.check(instruction, stages: stages)
                stages[stages.count - 1].instructions.append(instruction)
            }
            instructions.append(instruction)
        }
        guard !stages.isEmpty else { throw DockerfileError(line: 1, message: "no FROM instruction") }
        self.instructions = instructions
        self.stages = stages
    }

    /// The strings of a JSON-array (exec form) argument, or nil for the shell form.
    /// - Throws: When it starts with `[` but is not a JSON array of strings.
    static func execForm(_ arguments: String, line: Int, keyword: String) throws -> [String]? {
        guard arguments.hasPrefix("[") else { return nil }
        // Strict JSON, as Docker's parser reads it: Foundation's would also take a trailing comma.
        let string = #/"(?:[^"\\\u{0}-\u{1f}]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/#
        let strict = Regex {
            "["; ZeroOrMore(.whitespace)
            Optionally { string; ZeroOrMore(.whitespace); ZeroOrMore { ","; ZeroOrMore(.whitespace); string; ZeroOrMore(.whitespace) } }
            "]"
        }
        guard arguments.wholeMatch(of: strict) != nil,
            let array = try? JSONSerialization.jsonObject(with: Data(arguments.utf8)) as? [Any],
            let strings = array as? [String], strings.count == array.count
        else {
            throw DockerfileError(line: line, message: "\(keyword) starts with [ but is not a JSON array of strings (Docker would run it through a shell): \(arguments)")
        }
        return strings
    }

    private static func directive(_ line: String) -> (name: String, value: String)? {
        guard let match = line.wholeMatch(of: /#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*/) else { return nil }
        let name = match.1.lowercased()
        guard name == "syntax" || name == "escape" || name == "check" else { return nil }
        return (name, String(match.2))
    }

    private static func instruction(_ content: String, line: Int, stage: Int) throws -> DockerfileInstruction {
        let keywordEnd = content.firstIndex(where: \.isWhitespace) ?? content.endIndex
        let keyword = content[..<keywordEnd].uppercased()
        guard keywords.contains(keyword) else {
            throw DockerfileError(line: line, message: "unknown instruction \(content[..<keywordEnd])")
        }
        var rest = content[keywordEnd...].drop(while: \.isWhitespace)
        if rest.contains("<<"), ["RUN", "COPY", "ADD"].contains(keyword), rest.firstMatch(of: /<<-?["']?[A-Za-z_]+/) != nil {
            throw DockerfileError(line: line, message: "heredocs are not supported by this parser; use a continued RUN")
        }
        var options: [(String, String)] = []
        // Options come first: `--name=value` (or a bare `--name`), for the instructions that take them.
        if ["FROM", "RUN", "COPY", "ADD", "HEALTHCHECK"].contains(keyword) {
            while rest.hasPrefix("--") {
                let end = rest.firstIndex(where: \.isWhitespace) ?? rest.endIndex
                let option = rest[rest.index(rest.startIndex, offsetBy: 2)..<end]
                let parts = option.split(separator: "=", maxSplits: 1)
                guard let name = parts.first, !name.isEmpty else {
                    throw DockerfileError(line: line, message: "\(keyword): empty option")
                }
                options.append((String(name), parts.count > 1 ? String(parts[1]) : ""))
                rest = rest[end...].drop(while: \.isWhitespace)
            }
        }
        return DockerfileInstruction(keyword: keyword, options: options, arguments: String(rest), line: line, stage: stage)
    }
}
