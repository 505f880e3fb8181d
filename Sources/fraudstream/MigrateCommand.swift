import ArgumentParser
import FraudPipeline
import Logging
import Postgres

/// `fraudstream migrate`: brings the database schema up to date.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or update fraudstream's tables and views in PostgreSQL.",
        discussion: "Idempotent, and safe to run from several processes at once; the worker also runs it at start."
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        do {
            _ = try SchemaMigrator(schema: database.schema)
        } catch let error as SchemaError {
            throw ValidationError("--schema: \(error)")
        }
    }

    func run() async throws {
        logging.bootstrap()
        let logger = Logger(label: "fraudstream.migrate")
        let migrator = try SchemaMigrator(schema: database.schema)
        let connection = try await PostgresConnection.connect(database.configuration, logger: logger)
        do {
            let applied = try await migrator.migrate(connection, logger: logger)
            if applied.isEmpty {
                print("schema \(migrator.schema) on \(connection.target) is up to date")
            }
            for migration in applied {
                print("applied \(migration.version): \(migration.name)")
            }
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }
}
