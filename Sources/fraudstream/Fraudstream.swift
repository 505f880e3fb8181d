import ArgumentParser

/// The `fraudstream` command: a real-time fraud-scoring stream processor.
@main
struct Fraudstream: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fraudstream",
        abstract: "Real-time fraud scoring: Kafka in, per-account features, an in-process model, PostgreSQL out.",
        version: FraudstreamVersion.current,
        subcommands: [DemoCommand.self, WorkerCommand.self, DashboardCommand.self, LoadTestCommand.self, GenerateCommand.self, FeaturesCommand.self, TrainCommand.self, ModelCommand.self, EvaluateCommand.self, FlaggedCommand.self, OffsetsCommand.self, MigrateCommand.self, BrokerCommand.self, VersionCommand.self]
    )
}
