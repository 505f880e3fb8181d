import Testing

/// The parser on small crafted Dockerfiles: what it accepts, and that it refuses what Docker
/// would refuse or misread.
@Suite("Dockerfile parser")
struct DockerfileParserTests {
    @Test("continuations are joined, comments inside them dropped, options and stages read")
    func continuationsAndStages() throws {
        let file = try Dockerfile(parsing: """
            # syntax=docker/dockerfile:1
            ARG BASE=debian:bookworm-slim
            # a comment
            FROM swift:6.3-bookworm AS Build
            RUN apt-get update \\
                # inside the continuation
                && apt-get install -y libpq-dev \\

                && true
            FROM ${BASE}
            COPY --from=build --chown=1:1 /staging/ /app/
            HEALTHCHECK --interval=5s CMD ["curl", "-f", "http://127.0.0.1:8080/healthz"]
            CMD ["worker"]
            """)
        #expect(file.stages.map(\.name) == ["build", nil])
        #expect(file.stages.map(\.base) == ["swift:6.3-bookworm", "${BASE}"])
        let run = try #require(file.stage(named: "build")?.instructions("RUN").first)
        #expect(run.arguments == "apt-get update && apt-get install -y libpq-dev && true")
        #expect(run.line == 5)
        let copy = try #require(file.finalStage?.instructions("COPY").first)
        #expect(copy.option("from") == "build")
        #expect(copy.option("chown") == "1:1")
        #expect(copy.arguments == "/staging/ /app/")
        let health = try #require(file.finalStage?.instructions("HEALTHCHECK").first)
        #expect(health.option("interval") == "5s")
        #expect(Dockerfile.commandWords(health.arguments) == ["curl", "-f", "http://127.0.0.1:8080/healthz"])
        #expect(file.instructions.first?.keyword == "ARG")
    }

    @Test("an unknown instruction is refused with its line")
    func unknownInstruction() {
        #expect(throws: DockerfileError(line: 2, message: "unknown instruction COPPY")) {
            try Dockerfile(parsing: "FROM debian:bookworm-slim\nCOPPY a b\n")
        }
    }

    @Test("only ARG may come before the first FROM, and a file needs a FROM")
    func fromFirst() {
        #expect(throws: DockerfileError(line: 1, message: "RUN before the first FROM (only ARG may come first)")) {
            try Dockerfile(parsing: "RUN true\nFROM debian:bookworm-slim\n")
        }
        #expect(throws: DockerfileError(line: 1, message: "no FROM instruction")) {
            try Dockerfile(parsing: "# nothing here\nARG A=1\n")
        }
    }

    @Test("COPY --from must name an earlier stage, by name or index")
    func copyFrom() throws {
        #expect(throws: DockerfileError.self) {
            try Dockerfile(parsing: "FROM a:1 AS build\nFROM b:1\nCOPY --from=biuld /x /y\n")
        }
        #expect(throws: DockerfileError.self) {
            try Dockerfile(parsing: "FROM a:1 AS build\nCOPY --from=build /x /y\n")
        }
        #expect(throws: DockerfileError.self) {
            try Dockerfile(parsing: "FROM a:1 AS build\nFROM b:1\nCOPY --from=1 /x /y\n")
        }
        let file = try Dockerfile(parsing: "FROM a:1 AS build\nFROM b:1\nCOPY --from=0 /x /y\nCOPY --from=BUILD /x /y\n")
        #expect(file.stages[1].instructions.count == 2)
    }

    @Test("an exec form that is not a JSON array of strings is refused")
    func execForms() {
        for bad in [#"CMD ["worker"#, #"ENTRYPOINT ['/app/fraudstream']"#, #"CMD ["a", 1]"#, #"HEALTHCHECK CMD ["curl",]"#, "SHELL /bin/sh -c"] {
            #expect(throws: DockerfileError.self, "\(bad)") {
                try Dockerfile(parsing: "FROM a:1\n\(bad)\n")
            }
        }
        #expect(throws: Never.self) { try Dockerfile(parsing: "FROM a:1\nCMD worker --no-migrate\n") }
    }

    @Test("malformed FROM, stage names, EXPOSE and HEALTHCHECK are refused")
    func malformed() {
        let cases = [
            "FROM a:1 AS\n", "FROM a:1 build\n", "FROM a:1 AS 1st\n", "FROM a:1 AS x\nFROM b:1 AS x\n",
            "FROM a:1\nEXPOSE http\n", "FROM a:1\nEXPOSE 70000\n", "FROM a:1\nHEALTHCHECK curl x\n",
            "FROM a:1\nHEALTHCHECK --every=5s CMD true\n", "FROM a:1\nCOPY onlyone\n", "FROM a:1\nUSER\n",
            "FROM a:1\nRUN true \\\n", "FROM a:1\nRUN <<EOF\ntrue\nEOF\n",
        ]
        for text in cases {
            #expect(throws: DockerfileError.self, "\(text)") { try Dockerfile(parsing: text) }
        }
    }

    @Test("the escape directive changes the continuation character")
    func escapeDirective() throws {
        let file = try Dockerfile(parsing: "# escape=`\nFROM a:1\nRUN echo one `\n    two\n")
        #expect(file.stages[0].instructions[0].arguments == "echo one two")
    }
}
