/// One instruction of a Dockerfile after line continuations are joined: `COPY --from=build /a /b`.
struct DockerfileInstruction: Equatable {
    /// The instruction, upper-cased: `FROM`, `RUN`, `COPY`...
    var keyword: String
    /// Leading `--name=value` options (`--from=build`, `--interval=10s`), in order.
    var options: [(name: String, value: String)]
    /// Everything after the keyword and its options, with continuations joined by a space.
    var arguments: String
    /// The 1-based line the instruction starts on.
    var line: Int
    /// The index of the build stage it belongs to (-1 for an `ARG` before the first `FROM`).
    var stage: Int

    /// The value of option `name`, if given.
    func option(_ name: String) -> String? {
        options.first { $0.name == name }?.value
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.keyword == rhs.keyword && lhs.arguments == rhs.arguments && lhs.line == rhs.line && lhs.stage == rhs.stage
            && lhs.options.map(\.name) == rhs.options.map(\.name) && lhs.options.map(\.value) == rhs.options.map(\.value)
    }
}
