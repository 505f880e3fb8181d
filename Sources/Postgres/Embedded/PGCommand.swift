import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One run of a PostgreSQL program (initdb, pg_ctl), optionally as another system user.
///
/// Started with `posix_spawn` and awaited with `waitpid` on a thread of its own, not with
/// Foundation's `Process`: on Linux, `Process` only reports an exit once every inherited copy of
/// its internal descriptor is closed, and the server that `pg_ctl start` leaves running keeps one.
struct PGCommand: Sendable {
    /// What a finished command printed, with its exit status.
    struct Outcome: Sendable {
        var status: Int32
        var output: String
    }

    var executable: String
    var arguments: [String]
    /// Run through `runuser -u <user> --` (when this process is root), else as ourselves.
    var user: String?

    /// Runs the command to completion without blocking Swift's cooperative pool. Output (stdout
    /// and stderr) goes to a temporary file, so a chatty program cannot stall on a full pipe.
    func run() async throws -> Outcome {
        var argv = [executable] + arguments
        if let user {
            // Our working directory may be closed to that user, and PostgreSQL's programs fail
            // when they cannot read theirs, so start them in `/` (every path we pass is absolute).
            argv = [try Self.runuser(), "-u", user, "--", "/bin/sh", "-c", #"cd / && exec "$@""#, "sh"] + argv
        }
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("fraudstream-pg-\(UUID().uuidString).log").path
        let output = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard output >= 0 else {
            throw PostgresError(.launcherFailed, message: "cannot create \(outputPath): \(String(cString: strerror(errno)))")
        }
        defer {
            close(output)
            unlink(outputPath)
        }
        let pid = try spawn(argv, output: output)
        let status = await Self.waitForExit(pid)
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Outcome(status: status, output: text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Runs the command and fails unless it exits with status 0.
    /// - Parameter purpose: What the command was for, as in "initialise the data folder".
    func runChecked(_ purpose: String) async throws {
        let outcome = try await run()
        guard outcome.status == 0 else {
            let name = URL(fileURLWithPath: executable).lastPathComponent
            throw PostgresError(
                .launcherFailed,
                message: "could not \(purpose): \(name) exited with status \(outcome.status): \(Self.tail(outcome.output))"
            )
        }
    }

    /// The last lines of a program's output, enough to show why it failed.
    static func tail(_ text: String, lines: Int = 15) -> String {
        text.split(whereSeparator: \.isNewline).suffix(lines).joined(separator: "\n")
    }

    /// Starts the program with stdin from /dev/null, and stdout and stderr into `output`.
    private func spawn(_ argv: [String], output: Int32) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        let arguments = argv.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, argv[0], &actions, nil, arguments, environ)
        guard result == 0 else {
            throw PostgresError(.launcherFailed, message: "cannot run \(argv[0]): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// Waits for the process on a short-lived thread of its own, as `waitpid` blocks.
    /// - Returns: The exit status, or 128 + the signal number if a signal ended it.
    private static func waitForExit(_ pid: pid_t) async -> Int32 {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1, errno == EINTR {}
                let signal = status & 0x7F
                continuation.resume(returning: signal == 0 ? (status >> 8) & 0xFF : 128 + signal)
            }
            thread.name = "postgres-launcher-wait"
            thread.start()
        }
    }

    private static func runuser() throws -> String {
        let candidates = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser"]
        guard let path = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw PostgresError(
                .launcherFailed,
                message: "running PostgreSQL as root needs runuser (apt-get install util-linux), which is missing"
            )
        }
        return path
    }
}
