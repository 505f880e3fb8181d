import ArgumentParser
import FraudPipeline
import Logging

extension ModelCommand {
    /// `fraudstream model show VERSION`: one version's details and evaluation figures.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show a registered version: kind, feature schema, threshold, activation and evaluation figures."
        )

        @Argument(help: "The version, as fraudstream model list shows it.")
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
                try await registry.model(version, on: connection)
            }
            var lines = [
                "version         \(model.version)\(model.isActive ? "  (active)" : "")",
                "kind            \(model.kind)",
                "feature schema  \(model.featureSchema) v\(model.featureSchemaVersion)",
                "threshold       \(model.threshold)",
                "created         \(List.timestamp(model.createdAt)) UTC",
                "last activated  \(model.lastActivatedAt.map { List.timestamp($0) + " UTC" } ?? "never")",
            ]
            if !model.description.isEmpty { lines.append("description     \(model.description)") }
            if !model.hasDocument { lines.append("model file      not stored (recorded before the registry): cannot be activated") }
            if let evaluation = model.evaluation {
                lines += ModelReport.lines(evaluation, rows: evaluation.confusionMatrix.positives + evaluation.confusionMatrix.negatives, title: "evaluation")
            } else {
                lines.append("evaluation      none stored")
            }
            lines.forEach { print($0) }
            fflushStandardOutput()
        }
    }
}
