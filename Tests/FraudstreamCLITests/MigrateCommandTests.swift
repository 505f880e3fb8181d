import Foundation
import Testing

@Suite("fraudstream migrate")
struct MigrateCommandTests {
    @Test("migrate creates the schema, and a second run finds it up to date")
    func migratesOnce() throws {
        guard let url = ProcessInfo.processInfo.environment["FRAUDSTREAM_TEST_DATABASE_URL"] else {
            Issue.record("FRAUDSTREAM_TEST_DATABASE_URL is not set: run `make test`, or start PostgreSQL and export it")
            return
        }
        let schema = "cli_migrate_\(UInt32.random(in: 0..<UInt32.max))"
        let first = try CommandLineRunner.run(["migrate", "--database-url", url, "--schema", schema, "--log-level", "error"])
        #expect(first.status == 0, "stderr: \(first.standardError)")
        #expect(first.standardOutput.contains("applied 1:"))
        #expect(first.standardOutput.contains("applied 2:"))
        let second = try CommandLineRunner.run(["migrate", "--database-url", url, "--schema", schema])
        #expect(second.status == 0)
        #expect(second.standardOutput.contains("schema \(schema) on 127.0.0.1:"))
        #expect(second.standardOutput.contains("is up to date"))
    }

    @Test("an unreachable database and a bad schema name fail with messages that say what to fix")
    func failures() throws {
        let unreachable = try CommandLineRunner.run(["migrate", "--database-url", "postgres://app:s3cret@127.0.0.1:1/app"])
        #expect(unreachable.status != 0)
        #expect(unreachable.standardError.contains("127.0.0.1:1"))
        #expect(!unreachable.standardError.contains("s3cret"))
        let badSchema = try CommandLineRunner.run(["migrate", "--schema", "Robert'); DROP TABLE"])
        #expect(badSchema.status != 0)
        #expect(badSchema.standardError.contains("--schema: schema name must be a lower-case identifier"))
    }
}
