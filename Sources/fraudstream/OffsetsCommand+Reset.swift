import ArgumentParser
import FraudPipeline
import Logging

extension OffsetsCommand {
    /// `fraudstream offsets reset --partition N`: accepts a partition's new log.
    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset",
            abstract: "Move partitions' committed offsets (default: to 0) and delete their checkpoints, to accept a recreated log.",
            discussion: """
                Run it after a worker stopped a partition because its log ends before its committed \
                offset (the topic was deleted and recreated, or truncated). In one transaction it sets \
                the committed next offset, deletes the checkpoint (the state is rebuilt from the new \
                log) and moves the ownership epoch on, so a worker still holding the partition writes \
                nothing more for it. Rows already in scored_transactions stay. Then restart the \
                workers: they read the partition from the new offset.
                """
        )

        @Option(name: .customLong("partition"), help: "A partition to reset; repeatable.")
        var partitions: [Int32] = []

        @Option(name: .customLong("to-offset"), help: "The next offset to read (default 0: the start of the new log).")
        var toOffset: Int64 = 0

        @OptionGroup var target: OffsetsTarget
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var logging: LoggingOptions

        func validate() throws {
            guard !partitions.isEmpty else { throw ValidationError("--partition: name at least one partition to reset") }
            if let negative = partitions.first(where: { $0 < 0 }) { throw ValidationError("--partition: \(negative) is negative") }
            guard toOffset >= 0 else { throw ValidationError("--to-offset: \(toOffset) is negative") }
        }

        func run() async throws {
            logging.bootstrap()
            let offsets = OffsetStore(schema: database.schema)
            let checkpoints = CheckpointStore(schema: database.schema)
            let (group, topic, toOffset) = (target.group, target.topic, toOffset)
            let partitions = Array(Set(partitions)).sorted()
            let outcomes = try await ModelCommand.withConnection(database, logger: Logger(label: "fraudstream.offsets")) { connection in
                try await connection.withTransaction { connection in
                    var outcomes: [(Int32, Int64?, Int64?)] = []
                    for partition in partitions {
                        let previous = try await offsets.reset(partition, to: toOffset, group: group, topic: topic, on: connection)
                        let checkpoint = try await checkpoints.delete(group: group, topic: topic, partition: partition, on: connection)
                        outcomes.append((partition, previous, checkpoint))
                    }
                    return outcomes
                }
            }
            for (partition, previous, checkpoint) in outcomes {
                let from = previous.map { "next offset \($0) → \(toOffset)" } ?? "no committed offset; now \(toOffset)"
                let state = checkpoint.map { "checkpoint at \($0) deleted" } ?? "no checkpoint"
                print("partition \(partition) of \(topic) (group \(group)): \(from), \(state)")
            }
            print("restart the workers of group \(group): they read these partitions from offset \(toOffset) and rebuild their state from there")
            fflushStandardOutput()
        }
    }
}
