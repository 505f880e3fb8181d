import ArgumentParser
import FraudModel
import FraudPipeline
import Logging
import Postgres

extension ModelCommand {
    /// `fraudstream model register FILE`: stores a model file in the registry.
    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "register",
            abstract: "Store a model file in the registry, with its evaluation figures (it is not activated).",
            discussion: """
                Without --version the version is derived: kind, UTC date and a hash of the file, such \
                as gbt-20261123-3fa85f64. Registering the same file again does nothing and prints its \
                version. Applies pending schema migrations first, like the worker.
                """
        )

        @Argument(help: "The model file, from fraudstream train.")
        var file: String
        @Option(help: "Version name: letters, digits, '.', '_' and '-' (default: derived from the file).")
        var version: String?
        @Option(help: "Free text shown by fraudstream model list.")
        var description: String = ""

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var logging: LoggingOptions

        func validate() throws {
            _ = try ModelCommand.registry(database)
            if let version {
                do {
                    _ = try ModelRegistry.validate(version)
                } catch let error as ModelRegistryError {
                    throw ValidationError(error.message)
                }
            }
        }

        func run() async throws {
            logging.bootstrap()
            let model: ModelFile
            do {
                model = try ModelFile.load(file)
            } catch {
                throw ValidationError("FILE: \(error)")
            }
            let registration = try await Self.register(
                model, version: version, description: description, database: database, logger: Logger(label: "fraudstream.model"))
            print(Self.outcome(registration))
        }

        /// Migrates the schema if needed and registers `model`; shared with `train --register`.
        static func register(
            _ model: ModelFile, version: String?, description: String, database: DatabaseOptions, logger: Logger
        ) async throws -> ModelRegistration {
            let registry = try ModelCommand.registry(database)
            return try await ModelCommand.withConnection(database, logger: logger) { connection in
                _ = try await SchemaMigrator(schema: registry.schema).migrate(connection, logger: logger)
                return try await registry.register(model, version: version, description: description, on: connection)
            }
        }

        /// The line that reports a registration.
        static func outcome(_ registration: ModelRegistration) -> String {
            registration.isNew
                ? "registered model version \(registration.version); activate it with: fraudstream model activate \(registration.version)"
                : "model file already registered as version \(registration.version); nothing changed"
        }
    }
}
