import ArgumentParser
import Foundation
import FraudPipeline

/// `fraudstream offsets`: the committed offsets PostgreSQL keeps per partition, and the
/// operator's way to move one when the topic's log no longer holds what was committed.
struct OffsetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offsets",
        abstract: "Show or reset the committed offsets PostgreSQL keeps for each partition.",
        discussion: """
            PostgreSQL, not Kafka, holds how far each partition is written (stream_offsets, with the \
            rows). When a topic is deleted and recreated, or truncated, a worker stops each partition \
            whose log ends before its committed offset; `offsets reset` accepts the new log.
            """,
        subcommands: [Show.self, Reset.self]
    )
}

/// The consumer group and topic whose offsets a command reads or moves.
struct OffsetsTarget: ParsableArguments {
    @Option(help: "Consumer group ($FRAUDSTREAM_GROUP, default fraudstream).")
    var group: String = ProcessInfo.processInfo.environment["FRAUDSTREAM_GROUP"] ?? "fraudstream"

    @Option(help: "Transactions topic ($FRAUDSTREAM_TOPIC, default transactions).")
    var topic: String = ProcessInfo.processInfo.environment["FRAUDSTREAM_TOPIC"] ?? "transactions"
}
