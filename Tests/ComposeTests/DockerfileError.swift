/// A Dockerfile that Docker would refuse or misread, with the line and what is wrong.
struct DockerfileError: Error, Equatable, CustomStringConvertible {
    /// The 1-based line of the problem.
    var line: Int
    /// What is wrong, for a person.
    var message: String

    var description: String { "line \(line): \(message)" }
}
