import Foundation
import Postgres
import Testing
import TestSupport

@Suite("Connection failures fail fast, name the server and hide passwords")
struct ConnectionFailureTests {
    @Test("an unreachable server fails fast, naming host and port")
    func unreachableServer() async throws {
        let started = ContinuousClock.now
        let error = try await #require(throws: PostgresError.self) {
            try await PostgresConnection.connect(
                PostgresConfiguration("postgres://app:hunter2-secret@127.0.0.1:1/app"),
                logger: .quiet
            )
        }
        #expect(ContinuousClock.now - started < .seconds(3))
        #expect(error.code == .connectionFailed)
        #expect(error.isRetryable)
        #expect(error.description.contains("127.0.0.1:1"))
        #expect(error.description.contains("Connection refused"))
        #expect(!error.description.contains("hunter2-secret"))
        #expect(!error.debugDescription.contains("hunter2-secret"))
    }

    @Test("a password in a malformed URL never reaches the message")
    func malformedURLIsRedacted() async throws {
        let error = try await #require(throws: PostgresError.self) {
            try await PostgresConnection.connect(PostgresConfiguration("postgres://app:pa%zzword@127.0.0.1:1/app"), logger: .quiet)
        }
        #expect(error.code == .connectionFailed)
        #expect(error.message.contains("percent"), "libpq's reason is kept: \(error.message)")
        #expect(!error.description.contains("pa%zzword"))
        #expect(!error.description.contains("zzword"))
    }

    @Test("a wrong password fails fast, names the server and the problem, and never shows the password")
    func wrongPassword() async throws {
        try await withEmbeddedPostgres { server, url in
            let admin = try await PostgresConnection.connect(PostgresConfiguration(url), logger: .quiet)
            try await admin.execute("SET password_encryption = 'scram-sha-256'")
            try await admin.execute("CREATE ROLE fraudstream_pw LOGIN PASSWORD 'secret-pw'")
            await admin.close()
            // That role must authenticate with SCRAM; everyone else keeps trust.
            let rules = """
                host all fraudstream_pw 127.0.0.1/32 scram-sha-256
                host all all 127.0.0.1/32 trust
                """
            try rules.write(toFile: server.dataDirectory + "/pg_hba.conf", atomically: false, encoding: .utf8)
            try await server.restart()
            let port = try #require(URLComponents(string: url)?.port)

            let started = ContinuousClock.now
            let error = try await #require(throws: PostgresError.self) {
                try await PostgresConnection.connect(
                    PostgresConfiguration("postgres://fraudstream_pw:wrong-Pa55word@127.0.0.1:\(port)/embedded_test"),
                    logger: .quiet
                )
            }
            #expect(ContinuousClock.now - started < .seconds(3))
            #expect(error.code == .connectionFailed)
            #expect(error.description.contains(#"password authentication failed for user "fraudstream_pw""#))
            #expect(error.description.contains("127.0.0.1:\(port)"))
            #expect(!error.description.contains("wrong-Pa55word"))

            let conninfo = "host=127.0.0.1 port=\(port) dbname=embedded_test user=fraudstream_pw password='wrong Pa55word'"
            let keywordError = try await #require(throws: PostgresError.self) {
                try await PostgresConnection.connect(PostgresConfiguration(conninfo), logger: .quiet)
            }
            #expect(keywordError.description.contains("password authentication failed"))
            #expect(!keywordError.description.contains("wrong Pa55word"))

            // The right password works, so the failures above were about the password.
            let user = try await PostgresConnection.connect(
                PostgresConfiguration("postgres://fraudstream_pw:secret-pw@127.0.0.1:\(port)/embedded_test"),
                logger: .quiet
            )
            #expect(try await user.query("SELECT current_user").first?[0, as: String.self] == "fraudstream_pw")
            #expect(!user.target.contains("secret-pw"))
            await user.close()
        }
    }
}
