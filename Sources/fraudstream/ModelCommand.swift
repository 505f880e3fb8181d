import ArgumentParser
import FraudPipeline
import Logging
import Postgres

/// `fraudstream model`: the model registry in PostgreSQL: register model files, list them,
/// activate one (running workers switch to it at their next batch).
struct ModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Manage the model registry: register, list, show and activate model versions.",
        discussion: """
            Workers score with the active version and switch to a newly activated one without \
            restarting, at a batch boundary; each scored row records the version that scored it. \
            To roll back, activate the previous version again.
            """,
        subcommands: [Register.self, List.self, Show.self, Activate.self]
    )

    /// The registry of `--schema`, or a `ValidationError` naming the flag.
    static func registry(_ database: DatabaseOptions) throws -> ModelRegistry {
        do {
            return try ModelRegistry(schema: database.schema)
        } catch let error as SchemaError {
            throw ValidationError("--schema: \(error)")
        }
    }

    /// Connects, runs `body` and closes the connection, whatever `body` does. A missing registry
    /// table is reported with what to run.
    static func withConnection<Result>(
        _ database: DatabaseOptions, logger: Logger, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let connection = try await PostgresConnection.connect(database.configuration, logger: logger)
        do {
            let result = try await body(connection)
            await connection.close()
            return result
        } catch let error as PostgresError where error.sqlState == "42P01" || error.sqlState == "3F000" {
            await connection.close()
            throw RegistryMissing(description: "the model registry is missing in schema \(database.schema) on \(connection.target) (\(error.message)): run fraudstream migrate --schema \(database.schema), or check --schema and --database-url")
        } catch {
            await connection.close()
            throw error
        }
    }
}

/// The schema has no registry tables; the message says what to run.
struct RegistryMissing: Error, CustomStringConvertible {
    var description: String
}
