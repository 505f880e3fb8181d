import Foundation
import Testing

/// compose/Dockerfile: parsed by our parser, and built the way the compose file and the
/// binary need (stages, libraries, resource bundles, user, port, health check).
@Suite("compose/Dockerfile")
struct DockerfileTests {
    static func dockerfile() throws -> Dockerfile {
        try Dockerfile(parsing: try RepositoryFiles.text("compose/Dockerfile"))
    }

    @Test("two stages: a Swift 6 bookworm build and a bookworm-slim runtime, tags pinned")
    func stages() throws {
        let file = try Self.dockerfile()
        #expect(file.stages.count == 2)
        let build = try #require(file.stages.first)
        #expect(build.base.wholeMatch(of: /swift:6\.\d+(\.\d+)?-bookworm/) != nil, "build image: \(build.base)")
        let runtime = try #require(file.finalStage)
        #expect(runtime.base == "debian:bookworm-slim")
        for stage in file.stages {
            let tag = stage.base.split(separator: ":").last.map(String.init)
            #expect(stage.base.contains(":") && tag != "latest", "\(stage.base) must name an explicit tag")
        }
    }

    @Test("the build stage installs the C libraries' headers and builds the fraudstream product in release")
    func buildStage() throws {
        let build = try #require(try Self.dockerfile().stages.first)
        let runs = build.instructions("RUN").map(\.arguments)
        #expect(runs.contains { $0.contains("apt-get install") && $0.contains("librdkafka-dev") && $0.contains("libpq-dev") })
        let swiftBuild = try #require(runs.first { $0.contains("swift build") })
        #expect(swiftBuild.contains("-c release"))
        #expect(swiftBuild.contains("--product fraudstream"))
        // The binary and every resource bundle go to one staging folder.
        #expect(swiftBuild.contains("/fraudstream\" /staging/"))
        #expect(swiftBuild.contains("*.resources /staging/"))
    }

    @Test("every COPY source from the build context exists in the repository")
    func copySources() throws {
        let file = try Self.dockerfile()
        for copy in file.stages.flatMap({ $0.instructions("COPY") }) where copy.option("from") == nil {
            let operands = copy.arguments.split(whereSeparator: \.isWhitespace).map(String.init)
            for source in operands.dropLast() {
                if source.contains("*") {
                    let pattern = "^" + NSRegularExpression.escapedPattern(for: source).replacingOccurrences(of: "\\*", with: "[^/]*") + "$"
                    let names = try FileManager.default.contentsOfDirectory(atPath: RepositoryFiles.root.path)
                    #expect(names.contains { $0.range(of: pattern, options: .regularExpression) != nil }, "line \(copy.line): nothing matches \(source)")
                } else {
                    #expect(RepositoryFiles.exists(source), "line \(copy.line): \(source) is not in the repository")
                }
            }
        }
        let ignored = try RepositoryFiles.text("compose/Dockerfile.dockerignore")
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        for needed in ["Sources", "Tests", "Package.swift", "*", "**"] {
            #expect(!ignored.contains(needed), "Dockerfile.dockerignore leaves out \(needed), which the build copies")
        }
    }

    @Test("the runtime stage has the shared libraries, the staged files next to the entrypoint, a non-root user, port 8080 and a /healthz check")
    func runtimeStage() throws {
        let runtime = try #require(try Self.dockerfile().finalStage)
        let runs = runtime.instructions("RUN").map(\.arguments)
        #expect(runs.contains { $0.contains("apt-get install") && $0.contains("librdkafka1") && $0.contains("libpq5") })

        let copy = try #require(runtime.instructions("COPY").first { $0.option("from") == "build" })
        let operands = copy.arguments.split(whereSeparator: \.isWhitespace).map(String.init)
        #expect(operands.first == "/staging/")
        let destination = try #require(operands.last)
        let entrypoint = try #require(runtime.instructions("ENTRYPOINT").last)
        let executable = try #require(Dockerfile.commandWords(entrypoint.arguments).first)
        #expect(try Dockerfile.execForm(entrypoint.arguments, line: entrypoint.line, keyword: "ENTRYPOINT") != nil, "ENTRYPOINT in exec form, so signals reach fraudstream")
        #expect(URL(fileURLWithPath: executable).lastPathComponent == "fraudstream")
        #expect(URL(fileURLWithPath: executable).deletingLastPathComponent().path == URL(fileURLWithPath: destination).path,
                "the resource bundles must sit next to the binary: COPY to \(destination), ENTRYPOINT \(executable)")

        let user = try #require(runtime.instructions("USER").last?.arguments)
        #expect(!["root", "0", "0:0"].contains(user))
        #expect(runs.contains { $0.contains("useradd") && $0.contains(" \(user)") }, "USER \(user) must be created")

        #expect(runtime.instructions("EXPOSE").map(\.arguments) == ["8080"])
        let health = try #require(runtime.instructions("HEALTHCHECK").last)
        let words = Dockerfile.commandWords(health.arguments)
        #expect(words.contains { $0.hasSuffix(":8080/healthz") }, "HEALTHCHECK: \(words)")
        let checker = try #require(words.first)
        #expect(runs.contains { $0.contains("apt-get install") && $0.contains(" \(checker) ") }, "the health check's \(checker) must be installed")
        let cmd = try #require(runtime.instructions("CMD").last)
        #expect(try Dockerfile.execForm(cmd.arguments, line: cmd.line, keyword: "CMD") == ["worker"])
    }
}
