/// Parts of the issue-8 contract that other branches are adding while this one is written:
/// compose/ and the docs use them, and the built binary of this branch does not have them yet.
///
/// The consistency tests accept these as missing, and fail once one of them appears in the
/// binary's `--help`, so that the list is emptied when the branches are merged rather than left
/// to excuse a real mismatch later.
enum PendingContract {
    /// Subcommands, as words after `fraudstream`: `model` (with `activate`) and `dashboard`.
    static let subcommands: Set<String> = ["model"]
    /// Worker flags from HTTPOptions and the readiness bound.
    static let flags: [String: Set<String>] = [
        "train": ["--register"],
    ]
    /// The environment variables of those flags.
    static let environmentVariables: [String: Set<String>] = [:]
}
