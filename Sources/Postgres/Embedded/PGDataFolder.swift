import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The data folder of an embedded server, and the system account that owns it.
struct PGDataFolder: Sendable {
    /// A system account's ids.
    struct Owner: Sendable {
        var name: String
        var uid: uid_t
        var gid: gid_t
    }

    /// The folder's absolute path.
    var path: String
    /// The account the server runs as when this process is root; nil when it runs as ourselves.
    var owner: Owner?

    var logFile: String { path + "/server.log" }

    /// Whether initdb has already filled the folder.
    var isInitialised: Bool { FileManager.default.fileExists(atPath: path + "/PG_VERSION") }

    /// Resolves `path` against the current directory and decides who runs the server: PostgreSQL
    /// refuses to run as root, so as root it runs as `systemUser`.
    static func resolve(_ path: String, systemUser: String) throws -> PGDataFolder {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        guard geteuid() == 0 else { return PGDataFolder(path: absolute, owner: nil) }
        guard let entry = getpwnam(systemUser) else {
            throw PostgresError(
                .launcherFailed,
                message: "running as root, the server must run as the \"\(systemUser)\" system user, which does not exist (apt-get install postgresql creates it)"
            )
        }
        return PGDataFolder(
            path: absolute,
            owner: Owner(name: systemUser, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
        )
    }

    /// Creates the folder if needed, hands it to the server's account, and checks that the account
    /// can reach it.
    /// - Throws: ``PostgresError/Code/launcherFailed`` if the folder holds something other than a
    ///   PostgreSQL cluster, or if a parent folder is closed to the server's account.
    func prepare() throws {
        let files = FileManager.default
        do {
            try files.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw PostgresError(.launcherFailed, message: "cannot create the data folder \(path): \(error.localizedDescription)")
        }
        if !isInitialised {
            let contents = (try? files.contentsOfDirectory(atPath: path)) ?? []
            guard contents.isEmpty else {
                throw PostgresError(
                    .launcherFailed,
                    message: "the data folder \(path) is not empty but holds no PostgreSQL cluster (no PG_VERSION): choose a new or empty folder"
                )
            }
            chmod(path, 0o700)
            if let owner {
                guard chown(path, owner.uid, owner.gid) == 0 else {
                    throw PostgresError(.launcherFailed, message: "cannot give \(path) to the \(owner.name) user: \(String(cString: strerror(errno)))")
                }
            }
        }
        try checkParentsAreTraversable()
    }

    /// The port of a server already running on this folder (left by an earlier process), read from
    /// `postmaster.pid`; nil if there is no such file.
    func recordedPort() -> Int? {
        guard let pidFile = try? String(contentsOfFile: path + "/postmaster.pid", encoding: .utf8) else { return nil }
        let lines = pidFile.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.count > 3 ? Int(lines[3].trimmingCharacters(in: .whitespaces)) : nil
    }

    private func checkParentsAreTraversable() throws {
        guard let owner else { return }
        var parent = URL(fileURLWithPath: path).deletingLastPathComponent()
        while true {
            var info = stat()
            guard stat(parent.path, &info) == 0 else {
                throw PostgresError(.launcherFailed, message: "cannot inspect \(parent.path): \(String(cString: strerror(errno)))")
            }
            let mode = info.st_mode
            let traversable =
                (info.st_uid == owner.uid && mode & S_IXUSR != 0)
                || (info.st_gid == owner.gid && mode & S_IXGRP != 0)
                || mode & S_IXOTH != 0
            guard traversable else {
                throw PostgresError(
                    .launcherFailed,
                    message: "the \(owner.name) user cannot reach the data folder \(path) because \(parent.path) is closed to it: run `chmod o+x \(parent.path)` or choose a data folder elsewhere (under /tmp, say)"
                )
            }
            if parent.path == "/" { return }
            parent.deleteLastPathComponent()
        }
    }
}
