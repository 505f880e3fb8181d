import Foundation
import Postgres
import Testing

@Suite("A configuration never prints its password")
struct ConfigurationDescriptionTests {
    /// A value that holds a configuration, printed the default way (as a service list is).
    struct Holder {
        var name = "holder"
        var database: PostgresConfiguration
    }

    @Test("every way of printing a configuration, or a value holding one, leaves the password out and keeps the rest", arguments: [
        "postgres://worker:Pa55-url-secret@db.example:5432/fraud?sslmode=require",
        "host=db.example port=5432 dbname=fraud user=worker password='Pa55 kw secret'",
        "host=db.example password=Pa55-bare-secret dbname=fraud",
    ])
    func passwordIsRedacted(connectionString: String) {
        let configuration = PostgresConfiguration(connectionString)
        var dumped = ""
        dump(Holder(database: configuration), to: &dumped)
        let printed = [
            "\(configuration)", String(describing: configuration), String(reflecting: configuration),
            "\(Holder(database: configuration))", String(reflecting: Holder(database: configuration)), dumped,
        ]
        for text in printed {
            #expect(!text.contains("Pa55"), "a password printed: \(text)")
            #expect(text.contains("db.example") && text.contains("********"), "the rest is gone or nothing was redacted: \(text)")
        }
    }
}
