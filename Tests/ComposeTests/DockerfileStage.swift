/// A build stage: one `FROM` and the instructions up to the next.
struct DockerfileStage: Equatable {
    /// Its position, from 0.
    var index: Int
    /// The image it starts from (`swift:6.3-bookworm`), or an earlier stage's name.
    var base: String
    /// Its name (`AS build`), lower-cased as Docker does, if it has one.
    var name: String?
    /// Its instructions after the `FROM`.
    var instructions: [DockerfileInstruction]

    /// The instructions with `keyword`.
    func instructions(_ keyword: String) -> [DockerfileInstruction] {
        instructions.filter { $0.keyword == keyword }
    }
}
