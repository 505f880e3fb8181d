import Foundation

/// Where the PostgreSQL server programs are.
struct PGInstallation: Sendable {
    var binaryDirectory: String

    var initdb: String { binaryDirectory + "/initdb" }
    var pgCtl: String { binaryDirectory + "/pg_ctl" }

    /// Finds the programs: in `explicitDirectory` if given, else in `$PG_BINDIR`, else in the
    /// newest `/usr/lib/postgresql/<version>/bin` (Debian's layout), else on `PATH`.
    /// - Throws: ``PostgresError/Code/launcherFailed`` saying what to install.
    static func locate(explicitDirectory: String?) throws -> PGInstallation {
        let environment = ProcessInfo.processInfo.environment
        if let directory = explicitDirectory ?? environment["PG_BINDIR"] {
            guard hasPrograms(directory) else {
                throw PostgresError(.launcherFailed, message: "no initdb and pg_ctl in \(directory) (from the configuration or PG_BINDIR)")
            }
            return PGInstallation(binaryDirectory: directory)
        }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        let debian = versions
            .compactMap { version in Int(version).map { (number: $0, path: "/usr/lib/postgresql/\(version)/bin") } }
            .sorted { $0.number > $1.number }
            .first { hasPrograms($0.path) }
        if let debian {
            return PGInstallation(binaryDirectory: debian.path)
        }
        let path = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        if let directory = path.first(where: hasPrograms) {
            return PGInstallation(binaryDirectory: directory)
        }
        throw PostgresError(
            .launcherFailed,
            message: "PostgreSQL server programs (initdb, pg_ctl) not found in PG_BINDIR, /usr/lib/postgresql/*/bin or PATH: install them (apt-get install postgresql) or set PG_BINDIR"
        )
    }

    private static func hasPrograms(_ directory: String) -> Bool {
        FileManager.default.isExecutableFile(atPath: directory + "/initdb")
            && FileManager.default.isExecutableFile(atPath: directory + "/pg_ctl")
    }
}
