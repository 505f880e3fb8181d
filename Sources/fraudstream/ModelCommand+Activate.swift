import ArgumentParser
import FraudPipeline
import Logging

extension ModelCommand {
    /// `fraudstream model activate VERSION`: makes a version the one workers score with.
    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "activate",
            abstract: "Make a registered version the active model; running workers switch at their next batch.",
            discussion: """
                The version's model file is loaded and checked first: a version whose feature schema \
                this build's workers cannot compute is refused. Roll back by activating the previous \
                version (fraudstream model list shows them).
                """
        )

        @Argument(help: "The version to activate, as fraudstream model list shows it.")
        var version: String

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var logging: LoggingOptions

        func validate() throws {
            _ = try ModelCommand.registry(database)
        }

        func run() async throws {
            logging.bootstrap()
            let registry = try ModelCommand.registry(database)
            let model = try await ModelCommand.withConnection(database, logger: Logger(label: "fraudstream.model")) { connection in
                try await registry.activate(version, on: connection)
            }
            print("activated model version \(version) (threshold \(model.decisionThreshold)); running workers of schema \(registry.schema) switch to it at their next batch")
            fflushStandardOutput()
        }
    }
}
