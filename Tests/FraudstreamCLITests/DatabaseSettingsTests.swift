import Foundation
import Postgres
import Testing

/// The documented ways to name the database, each run through `fraudstream migrate` against a
/// server of the test's own that asks one role for a SCRAM password: `--database-url`, else
/// `DATABASE_URL`, else libpq's `PG*` variables and password file, as psql reads them.
@Suite("Database settings as psql reads them", .serialized)
struct DatabaseSettingsTests {
    static let role = "fraudstream_pw"
    static let password = "Pa55-for-settings"

    @Test("PG* variables with the password in ~/.pgpass or PGPASSFILE connect; a wrong password file fails naming the problem, never the password; PGSSLMODE=require fails against a server without SSL unless the URL says sslmode=disable; --database-url beats DATABASE_URL, which beats PG*")
    func settingsFollowPsql() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fraudstream-dbsettings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = EmbeddedPostgres.Configuration()
        configuration.dataDirectory = folder.appendingPathComponent("data").path
        configuration.database = "settings_test"
        let server = EmbeddedPostgres(configuration, logger: .quiet)
        let url = try await server.start()
        do {
            try await check(server: server, url: url, folder: folder)
        } catch {
            try? await server.stop()
            throw error
        }
        try await server.stop()
    }

    private func check(server: EmbeddedPostgres, url: String, folder: URL) async throws {
        let admin = try await PostgresConnection.connect(PostgresConfiguration(url), logger: .quiet)
        try await admin.execute("SET password_encryption = 'scram-sha-256'")
        try await admin.execute("CREATE ROLE \(Self.role) LOGIN PASSWORD '\(Self.password)'")
        try await admin.execute("GRANT CREATE ON DATABASE settings_test TO \(Self.role)")
        await admin.close()
        try """
            host all \(Self.role) 127.0.0.1/32 scram-sha-256
            host all all 127.0.0.1/32 trust
            """.write(toFile: server.dataDirectory + "/pg_hba.conf", atomically: false, encoding: .utf8)
        try await server.restart()
        let port = try #require(URLComponents(string: url)?.port)

        // A home folder with ~/.pgpass, and a separate password file for PGPASSFILE.
        let home = folder.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        func passwordFile(_ path: URL, password: String) throws {
            try "127.0.0.1:\(port):settings_test:\(Self.role):\(password)\n".write(to: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path.path)
        }
        try passwordFile(home.appendingPathComponent(".pgpass"), password: Self.password)
        let wrongFile = folder.appendingPathComponent("wrong.pgpass")
        try passwordFile(wrongFile, password: "not-the-Pa55")

        // Only what each case sets: nothing of the test's own database settings leaks in.
        let cleared: [String: String?] = [
            "DATABASE_URL": nil, "PGHOST": nil, "PGPORT": nil, "PGUSER": nil, "PGDATABASE": nil, "PGPASSWORD": nil,
            "PGPASSFILE": nil, "PGSSLMODE": nil, "PGSERVICE": nil, "HOME": home.path,
        ]
        let pg: [String: String?] = ["PGHOST": "127.0.0.1", "PGPORT": "\(port)", "PGUSER": Self.role, "PGDATABASE": "settings_test"]
        func migrate(schema: String, _ environment: [String: String?], _ arguments: [String] = []) throws -> CommandLineRunner.Result {
            try CommandLineRunner.run(["migrate", "--schema", schema] + arguments, environment: cleared.merging(environment) { _, given in given })
        }

        let viaHome = try migrate(schema: "via_home", pg)
        #expect(viaHome.status == 0, "PG* with ~/.pgpass: \(viaHome.standardError)")
        #expect(viaHome.standardOutput.contains("applied 1:"), "\(viaHome.standardOutput)")

        let viaFile = try migrate(schema: "via_file", pg.merging(["PGPASSFILE": wrongFile.path, "HOME": folder.path]) { _, given in given })
        #expect(viaFile.status != 0, "a wrong password file connected")
        #expect(viaFile.standardError.contains("password authentication failed for user \"\(Self.role)\""), "\(viaFile.standardError)")
        #expect(!viaFile.standardError.contains("not-the-Pa55") && !viaFile.standardOutput.contains("not-the-Pa55"))
        let rightFile = try migrate(schema: "via_file", pg.merging(["PGPASSFILE": home.appendingPathComponent(".pgpass").path, "HOME": folder.path]) { _, given in given })
        #expect(rightFile.status == 0, "PGPASSFILE: \(rightFile.standardError)")

        let requireSSL = try migrate(schema: "ssl", pg.merging(["PGSSLMODE": "require"]) { _, given in given })
        #expect(requireSSL.status != 0, "PGSSLMODE=require connected to a server without SSL")
        #expect(requireSSL.standardError.contains("SSL"), "\(requireSSL.standardError)")
        let disabled = try migrate(
            schema: "ssl", pg.merging(["PGSSLMODE": "require"]) { _, given in given },
            ["--database-url", "postgres://\(Self.role)@127.0.0.1:\(port)/settings_test?sslmode=disable"])
        #expect(disabled.status == 0, "the URL's sslmode=disable did not beat PGSSLMODE=require: \(disabled.standardError)")

        // Precedence: the flag over DATABASE_URL over PG* (the losers point at a closed port).
        let closed = "postgres://\(Self.role)@127.0.0.1:1/settings_test?connect_timeout=2"
        let good = "postgres://\(Self.role)@127.0.0.1:\(port)/settings_test"
        let flagWins = try migrate(schema: "precedence", ["DATABASE_URL": closed], ["--database-url", good])
        #expect(flagWins.status == 0, "--database-url did not beat DATABASE_URL: \(flagWins.standardError)")
        let variableWins = try migrate(schema: "precedence", pg.merging(["DATABASE_URL": good, "PGPORT": "1"]) { _, given in given })
        #expect(variableWins.status == 0, "DATABASE_URL did not beat PG*: \(variableWins.standardError)")
        #expect(variableWins.standardOutput.contains("up to date"), "\(variableWins.standardOutput)")
    }
}
