import ArgumentParser
import FraudPipeline
import Logging

extension OffsetsCommand {
    /// `fraudstream offsets show`: each partition's committed next offset and ownership epoch.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Print each partition's committed next offset and ownership epoch."
        )

        @OptionGroup var target: OffsetsTarget
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            logging.bootstrap()
            let store = OffsetStore(schema: database.schema)
            let claims = try await ModelCommand.withConnection(database, logger: Logger(label: "fraudstream.offsets")) { connection in
                try await store.claims(group: target.group, topic: target.topic, on: connection)
            }
            guard !claims.isEmpty else {
                print("no committed offsets for group \(target.group), topic \(target.topic) in schema \(database.schema)")
                fflushStandardOutput()
                return
            }
            print("partition  next offset  owner epoch")
            for (partition, claim) in claims.sorted(by: { $0.key < $1.key }) {
                print(pad(String(partition), 9) + "  " + pad(String(claim.nextOffset), 11) + "  " + pad(String(claim.ownerEpoch), 11))
            }
            fflushStandardOutput()
        }

        private func pad(_ text: String, _ width: Int) -> String {
            String(repeating: " ", count: max(0, width - text.count)) + text
        }
    }
}
