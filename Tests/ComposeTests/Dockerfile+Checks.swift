/// The checks of single instructions and of `FROM`, for ``Dockerfile/init(parsing:)``.
extension Dockerfile {
    /// A stage from its `FROM`: `FROM [--platform=…] image [AS name]`.
    static func stage(from instruction: DockerfileInstruction, index: Int, earlier: [DockerfileStage]) throws -> DockerfileStage {
        let words = instruction.arguments.split(whereSeparator: \.isWhitespace).map(String.init)
        let line = instruction.line
        switch words.count {
        case 1:
            return DockerfileStage(index: index, base: words[0], name: nil, instructions: [])
        case 3 where words[1].uppercased() == "AS":
            let name = words[2].lowercased()
            guard name.wholeMatch(of: /[a-z][a-z0-9._-]*/) != nil else {
                throw DockerfileError(line: line, message: "stage name \(words[2]) must start with a letter and hold only letters, digits, ., _ and -")
            }
            guard !earlier.contains(where: { $0.name == name }) else {
                throw DockerfileError(line: line, message: "stage name \(name) is used twice")
            }
            return DockerfileStage(index: index, base: words[0], name: name, instructions: [])
        default:
            throw DockerfileError(line: line, message: "expected FROM image [AS name], got FROM \(instruction.arguments)")
        }
    }

    /// Checks one instruction of a stage against the stages before it.
    static func check(_ instruction: DockerfileInstruction, stages: [DockerfileStage]) throws {
        let line = instruction.line
        switch instruction.keyword {
        case "COPY", "ADD":
            if let from = instruction.option("from") {
                let earlier = stages.dropLast()
                let known = earlier.contains { $0.name == from.lowercased() } || Int(from).map { $0 >= 0 && $0 < earlier.count } == true
                guard known else {
                    throw DockerfileError(line: line, message: "\(instruction.keyword) --from=\(from) names no earlier stage (stages: \(earlier.compactMap(\.name).joined(separator: ", ")))")
                }
            }
            let operands = try execForm(instruction.arguments, line: line, keyword: instruction.keyword)
                ?? instruction.arguments.split(whereSeparator: \.isWhitespace).map(String.init)
            guard operands.count >= 2 else {
                throw DockerfileError(line: line, message: "\(instruction.keyword) needs at least one source and a destination")
            }
        case "CMD", "ENTRYPOINT", "RUN":
            guard !instruction.arguments.isEmpty else {
                throw DockerfileError(line: line, message: "\(instruction.keyword) without a command")
            }
            _ = try execForm(instruction.arguments, line: line, keyword: instruction.keyword)
        case "SHELL":
            guard try execForm(instruction.arguments, line: line, keyword: "SHELL") != nil else {
                throw DockerfileError(line: line, message: "SHELL must be a JSON array, e.g. [\"/bin/bash\", \"-c\"]")
            }
        case "EXPOSE":
            let ports = instruction.arguments.split(whereSeparator: \.isWhitespace)
            guard !ports.isEmpty else { throw DockerfileError(line: line, message: "EXPOSE without a port") }
            for port in ports {
                guard let match = port.wholeMatch(of: /(\d+)(-\d+)?(\/(tcp|udp))?/), let number = Int(match.1), (1...65535).contains(number) else {
                    throw DockerfileError(line: line, message: "EXPOSE: \(port) is not a port (1-65535, optionally /tcp or /udp)")
                }
            }
        case "HEALTHCHECK":
            let known: Set<String> = ["interval", "timeout", "start-period", "start-interval", "retries"]
            if let unknown = instruction.options.first(where: { !known.contains($0.name) }) {
                throw DockerfileError(line: line, message: "HEALTHCHECK: unknown option --\(unknown.name)")
            }
            if instruction.arguments.uppercased() == "NONE" { return }
            guard instruction.arguments.uppercased().hasPrefix("CMD ") else {
                throw DockerfileError(line: line, message: "HEALTHCHECK must be followed by CMD … or NONE")
            }
            let command = instruction.arguments.dropFirst(4).trimmingCharacters(in: .whitespaces)
            guard !command.isEmpty else { throw DockerfileError(line: line, message: "HEALTHCHECK CMD without a command") }
            _ = try execForm(command, line: line, keyword: "HEALTHCHECK CMD")
        case "USER", "WORKDIR", "STOPSIGNAL", "ENV", "LABEL", "ARG", "VOLUME", "MAINTAINER", "ONBUILD":
            guard !instruction.arguments.isEmpty else {
                throw DockerfileError(line: line, message: "\(instruction.keyword) without arguments")
            }
        default:
            break
        }
    }

    /// The command of a `HEALTHCHECK CMD`, `CMD` or `ENTRYPOINT` as words: the JSON array's
    /// strings, or the shell form split at spaces.
    static func commandWords(_ arguments: String) -> [String] {
        var text = arguments
        if text.uppercased().hasPrefix("CMD ") { text = String(text.dropFirst(4)).trimmingCharacters(in: .whitespaces) }
        if let words = try? execForm(text, line: 0, keyword: "") { return words }
        return text.split(whereSeparator: \.isWhitespace).map(String.init)
    }
}
