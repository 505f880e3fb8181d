import Logging

extension GeneratorRun {
    /// Runs what validated command-line options describe: simulation or replay, to Kafka or
    /// to files, paced, limited and stamped as they say.
    ///
    /// - Parameters:
    ///   - options: Options from ``GeneratorOptions/init(flags:environment:now:)``.
    ///   - stop: Fires to end the run early, as on SIGINT.
    ///   - logger: Receives the Kafka clients' log messages and topic creation notes.
    ///   - progress: Called every second and once at the end, on the run's thread.
    /// - Returns: The final counts.
    /// - Throws: ``GeneratorError`` for files that cannot be opened or written,
    ///   ``PaySimReplayError`` for malformed replay lines, `KafkaError` for Kafka failures.
    public static func run(
        options: GeneratorOptions,
        stop: GeneratorStopSignal = GeneratorStopSignal(),
        logger: Logger = Logger(label: "fraudstream.generator"),
        progress: @escaping (GeneratorProgress) -> Void = { _ in }
    ) async throws -> GeneratorProgress {
        let sink: any GeneratorSink
        switch options.output {
        case .files(let transactions, let labels):
            sink = try FileSink(transactionsPath: transactions, labelsPath: labels)
        case .kafka(let settings):
            sink = try await KafkaSink(settings: settings, logger: logger)
        }
        let run = GeneratorRun(options: options)
        if let replay = options.replay {
            var source = try PaySimReplay(
                path: replay, start: options.simulation.start, labelShare: options.simulation.legitimateLabelShare,
                labelDelay: options.simulation.labelDelay, seed: options.simulation.seed)
            return try await run.run(source: &source, sink: sink, stop: stop, progress: progress)
        }
        var source = TransactionSimulator(settings: options.simulation)
        return try await run.run(source: &source, sink: sink, stop: stop, progress: progress)
    }
}
