import ArgumentParser
import FraudPipeline
import Foundation
import Logging

extension ModelCommand {
    /// `fraudstream model list`: the registered versions, newest first, the active one marked.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List registered model versions, newest first; * marks the active one.",
            discussion: "Precision and recall are the validation figures stored at registration, at the model's threshold."
        )

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var logging: LoggingOptions

        func validate() throws {
            _ = try ModelCommand.registry(database)
        }

        func run() async throws {
            logging.bootstrap()
            let registry = try ModelCommand.registry(database)
            let models = try await ModelCommand.withConnection(database, logger: Logger(label: "fraudstream.model")) { connection in
                try await registry.list(on: connection)
            }
            guard !models.isEmpty else {
                print("no model versions in \(registry.schema).models; register one with fraudstream train --register or fraudstream model register FILE")
                return
            }
            print(Self.table(models), terminator: "")
            fflushStandardOutput()
        }

        /// The models as an aligned text table.
        static func table(_ models: [RegisteredModel]) -> String {
            let header = ["", "VERSION", "KIND", "CREATED (UTC)", "THRESHOLD", "PRECISION", "RECALL", "PR-AUC", "DESCRIPTION"]
            let rows = models.map { model in
                [
                    model.isActive ? "*" : "", model.version, model.kind, timestamp(model.createdAt),
                    String(format: "%.4f", model.threshold),
                    model.evaluation.map { String(format: "%.3f", $0.precision) } ?? "-",
                    model.evaluation.map { String(format: "%.3f", $0.recall) } ?? "-",
                    model.evaluation?.prAUC.map { String(format: "%.3f", $0) } ?? "-",
                    model.description,
                ]
            }
            let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
            return ([header] + rows).map { row in
                let line = row.indices.map { column in row[column].padding(toLength: widths[column], withPad: " ", startingAt: 0) }
                    .joined(separator: "  ")
                return String(line.reversed().drop { $0 == " " }.reversed()) + "\n"
            }.joined()
        }

        /// `2026-11-23 01:02:03`, in UTC.
        static func timestamp(_ date: Date) -> String {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
            return formatter.string(from: date)
        }
    }
}
