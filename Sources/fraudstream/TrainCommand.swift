import ArgumentParser
import FraudCore
import FraudModel
import FraudPipeline
import Foundation
import Generator
import Logging
import Postgres

/// `fraudstream train`: a model trained on the features the worker computes, replayed from files
/// or read from the rows the worker stored.
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a fraud model on transactions and labels: JSON Lines files, or the scored rows in PostgreSQL.",
        discussion: """
            With --input and --labels, transactions are replayed through the worker's feature engine \
            and joined to their latest labels. With --from-database, the feature vectors the worker \
            stored with its scored rows are joined to the labels table instead, so the model learns \
            exactly what production scored; rows of another feature schema version are skipped. \
            Either way, transactions without a label count as legitimate, and the split is by event \
            time: the model learns from the earlier rows and is validated (early stopping, threshold, \
            figures) on the later ones, so nothing from the future leaks into training. Several \
            --input/--labels pairs are replayed each through fresh feature engines and split each on \
            its own, so the validation rows hold the latest share of every stream. With \
            --register the model is also stored in the model registry in PostgreSQL, with its \
            validation figures (activate it with fraudstream model activate).
            """
    )

    @Option(help: "JSON Lines file of transactions, in processing order; repeat it (with one --labels each) to train on several streams (not with --from-database).")
    var input: [String] = []
    @Option(help: "JSON Lines file of labels for the --input in the same position; the latest label of a transaction wins (not with --from-database).")
    var labels: [String] = []
    @Flag(name: .customLong("from-database"), help: "Train on the features stored in scored_transactions, joined to the labels table, instead of files.")
    var fromDatabase = false
    @Option(help: ArgumentHelp("With --from-database: only rows whose event time is within this span before now: 30s, 10m, 2h or 7d (default: all rows).", valueName: "duration"))
    var since: String?
    @Option(help: "Where to write the model file.")
    var output: String = "model.json"
    @Option(help: "Model kind: gbt (gradient-boosted trees) or logistic (logistic regression).")
    var kind: String = "gbt"
    @Option(help: "Trees to grow at most.")
    var trees: Int = 200
    @Option(help: "Depth of each tree.")
    var depth: Int = 6
    @Option(name: .customLong("learning-rate"), help: "Shrinkage applied to each tree.")
    var learningRate: Double = 0.1
    @Option(name: .customLong("min-child-weight"), help: "Least hessian weight in a leaf.")
    var minChildWeight: Double = 1
    @Option(help: "Share of rows each tree sees.")
    var subsample: Double = 0.8
    @Option(name: .customLong("early-stopping"), help: "Stop after this many trees without validation improvement (0: never).")
    var earlyStopping: Int = 20
    @Option(name: .customLong("min-trees"), help: "With --early-stopping: keep at least this many trees, however the validation figure moves over the first ones.")
    var minTrees: Int = 50
    @Option(name: .customLong("validation-fraction"), help: "Share of rows, the latest by event time, used for validation.")
    var validationFraction: Double = 0.2
    @Option(name: .customLong("target-precision"), help: "Choose the lowest threshold whose validation precision reaches this.")
    var targetPrecision: Double = 0.9
    @Option(help: "Use this decision threshold instead of choosing one for --target-precision.")
    var threshold: Double?
    @Option(help: "Seed of the row sampling; the same seed and data give the same model.")
    var seed: UInt64 = 1
    @Flag(help: "Also store the model and its validation figures in the model registry (--database-url, --schema); it is not activated.")
    var register = false
    @Option(help: "With --register: the version name (default: derived from kind, date and a hash of the model).")
    var version: String?
    @Option(help: "With --register: free text shown by fraudstream model list.")
    var description: String?

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        try validateRegistration()
        try validateSource()
        guard kind == "gbt" || kind == "logistic" else {
            throw ValidationError("--kind: expected gbt or logistic, got \"\(kind)\"")
        }
        guard minTrees >= 1 else {
            throw ValidationError("--min-trees: expected at least 1, got \(minTrees)")
        }
        guard validationFraction > 0, validationFraction < 1 else {
            throw ValidationError("--validation-fraction: expected a share between 0 and 1 (exclusive), got \(validationFraction)")
        }
        guard targetPrecision > 0, targetPrecision <= 1 else {
            throw ValidationError("--target-precision: expected a precision in (0, 1], got \(targetPrecision)")
        }
        if let threshold, !(0...1).contains(threshold) {
            throw ValidationError("--threshold: expected a probability between 0 and 1, got \(threshold)")
        }
    }

    /// Checks that --version and --description come with --register, and the version's name.
    private func validateRegistration() throws {
        guard register else {
            let given = [version.map { _ in "--version" }, description.map { _ in "--description" }].compactMap { $0 }
            guard given.isEmpty else {
                throw ValidationError("\(given.joined(separator: " and ")) apply only to --register; add --register to store the model in the registry")
            }
            return
        }
        _ = try ModelCommand.registry(database)
        if let version {
            do {
                _ = try ModelRegistry.validate(version)
            } catch let error as ModelRegistryError {
                throw ValidationError(error.message)
            }
        }
    }

    /// Checks that exactly one source is named: the files, or the database.
    private func validateSource() throws {
        if fromDatabase {
            let files = [input.isEmpty ? nil : "--input", labels.isEmpty ? nil : "--labels"].compactMap { $0 }
            guard files.isEmpty else {
                throw ValidationError("--from-database reads the scored rows and labels from PostgreSQL; it cannot be combined with \(files.joined(separator: " and ")): drop \(files.count == 1 ? "it" : "them") or drop --from-database")
            }
            _ = try sinceDuration()
            do {
                _ = try LabelledFeatureQuery(schema: database.schema)
            } catch let error as SchemaError {
                throw ValidationError("--schema: \(error)")
            }
            return
        }
        if database.databaseURL != nil, !register {
            throw ValidationError("--database-url applies only to --from-database and --register; add --from-database to train on the scored rows in PostgreSQL, or --register to store the model")
        }
        if since != nil {
            throw ValidationError("--since applies only to --from-database; add --from-database to train on the scored rows in PostgreSQL")
        }
        guard !input.isEmpty, !labels.isEmpty else {
            throw ValidationError("--input and --labels are required (the files fraudstream generate --output and --labels-output write), unless --from-database is given")
        }
        guard input.count == labels.count else {
            throw ValidationError("--input is given \(input.count) times and --labels \(labels.count) times; pass one --labels file for each --input, in the same order")
        }
        for path in input where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("--input: no file at \"\(path)\"; pass the transactions file (fraudstream generate --output)")
        }
        for path in labels where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("--labels: no file at \"\(path)\"; pass the labels file (fraudstream generate --labels-output)")
        }
    }

    /// `--since` as a duration, or `nil` when not given.
    private func sinceDuration() throws -> Duration? {
        guard let since else { return nil }
        guard let parsed = try? GeneratorDurationParser.parse(since, flag: "--since"), parsed > .zero else {
            throw ValidationError("--since: expected a duration like 30s, 10m, 2h or 7d, got \"\(since)\"")
        }
        return parsed
    }

    func run() async throws {
        logging.bootstrap()
        let sets: [LabelledFeatureSet]
        if fromDatabase {
            sets = [try await readDatabase()]
        } else {
            sets = try zip(input, labels).map { input, labels in
                try LabelledFeatureSet.build(transactionsPath: input, labelsPath: labels) { line, error in
                    FileHandle.standardError.write(Data("train: \(input):\(line): \(error.description)\n".utf8))
                }
            }
        }
        let model = try train(on: sets)
        if register {
            let registration = try await ModelCommand.Register.register(
                model, version: version, description: description ?? "", database: database, logger: Logger(label: "fraudstream.train"))
            print("train: " + ModelCommand.Register.outcome(registration))
        }
    }

    /// The usable scored rows and their labels, after saying what was read and what was skipped.
    /// - Throws: ``NoTrainingRows`` when no row has the engine's feature schema version.
    private func readDatabase() async throws -> LabelledFeatureSet {
        let logger = Logger(label: "fraudstream.train")
        let query = try LabelledFeatureQuery(schema: database.schema, since: try sinceDuration())
        let connection = try await PostgresConnection.connect(database.configuration, logger: logger)
        let output: LabelledFeatureQuery.Output
        do {
            output = try await query.run(on: connection)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()

        let table = "\(query.schema).scored_transactions"
        let version = FeatureSchema.current.version
        let window = since.map { " with event times in the last \($0)" } ?? ""
        var line = "train: read \(output.scoredRows) scored rows from \(table) on \(connection.target)\(window)"
        if output.skippedRows > 0 {
            line += "; skipped \(output.skippedRows) of another feature schema version (\(Self.describe(output.otherSchemaVersions))), "
                + "this build's is v\(version)"
        }
        print(line)
        guard output.set.count > 0 else {
            if output.scoredRows == 0 {
                throw NoTrainingRows(description: "--from-database: \(table) has no scored rows\(window); run the worker first, or check --schema and --database-url")
            }
            // Unlabelled rows count as legitimate, so only the feature schema version leaves rows out.
            throw NoTrainingRows(description: "--from-database: none of the \(output.scoredRows) scored rows in \(table)\(window) has feature schema v\(version) (found \(Self.describe(output.otherSchemaVersions))); "
                + "train with the fraudstream version that wrote them, or let this version's worker score new rows")
        }
        return output.set
    }

    /// `v2: 10 rows, v3: 1 row`, lowest version first.
    private static func describe(_ versions: [Int: Int]) -> String {
        versions.sorted { $0.key < $1.key }
            .map { "v\($0.key): \($0.value) row\($0.value == 1 ? "" : "s")" }
            .joined(separator: ", ")
    }

    /// Trains, chooses the threshold, writes the model and prints its validation figures.
    /// - Returns: The model file written.
    private func train(on sets: [LabelledFeatureSet]) throws -> ModelFile {
        var training = LabelledFeatureSet(), validation = LabelledFeatureSet()
        for set in sets {
            let split = try EventTimeSplit(eventTimes: set.eventTimes, trainingFraction: 1 - validationFraction)
            training.append(set.subset(split.training))
            validation.append(set.subset(split.validation))
        }
        let featureCount = FeatureSchema.current.width
        let trainingMatrix = try ModelFeatureMatrix(featureCount: featureCount, values: training.values)
        let validationMatrix = try ModelFeatureMatrix(featureCount: featureCount, values: validation.values)
        let streams = sets.count == 1 ? "" : " of each of the \(sets.count) streams"
        print("train: \(training.count + validation.count) transactions (\(sets.reduce(0) { $0 + $1.unlabelled }) without a label, counted legitimate); "
            + "\(training.count) for training, \(validation.count) for validation (the latest by event time\(streams))")

        let model: any FraudScoringModel
        if kind == "logistic" {
            model = try LogisticRegressionTrainer().train(features: trainingMatrix, labels: training.labels)
        } else {
            var configuration = GradientBoostingTrainer.Configuration()
            configuration.numberOfTrees = trees
            configuration.maxDepth = depth
            configuration.learningRate = learningRate
            configuration.minChildWeight = minChildWeight
            configuration.rowSubsample = subsample
            configuration.seed = seed
            if earlyStopping > 0 {
                configuration.earlyStopping = Self.earlyStoppingRule(
                    rounds: earlyStopping, minimumTrees: min(minTrees, trees), validationPositives: validation.labels.count(where: { $0 }))
                print("train: early stopping on validation \(configuration.earlyStopping!.metric) after \(earlyStopping) trees without improvement, keeping at least \(min(minTrees, trees))")
            }
            let result = try GradientBoostingTrainer(configuration: configuration)
                .train(features: trainingMatrix, labels: training.labels, validation: (validationMatrix, validation.labels))
            print("train: grew \(result.treesGrown) trees, kept \(result.bestIteration + 1)")
            model = result.model
        }

        let validationPositives = validation.labels.count(where: { $0 })
        if validationPositives < Self.fewPositives {
            print("train: warning: the validation rows hold only \(validationPositives) fraud transactions (fewer than \(Self.fewPositives)); "
                + "the threshold and the figures below rest on too few to trust: train on a longer stream or raise --validation-fraction")
        }
        let scores = model.scores(validationMatrix)
        guard let chosen = threshold ?? BinaryClassificationMetrics.threshold(forPrecision: targetPrecision, scores: scores, labels: validation.labels) else {
            throw ValidationError("--target-precision: no threshold reaches precision \(targetPrecision) on the validation rows; lower it or pass --threshold")
        }
        var evaluation = ModelEvaluation(scores: scores, labels: validation.labels, threshold: chosen, segments: validation.fraudTypes)
        evaluation.detection = validation.detection(flags: scores.map { $0 >= chosen })
        let schema = FeatureSchema.current
        let file = try ModelFile(
            model: model,
            featureSchema: ModelFeatureSchema(name: schema.name, version: schema.version, featureNames: schema.featureNames),
            decisionThreshold: chosen,
            evaluation: evaluation)
        try file.save(output)
        ModelReport.lines(evaluation, rows: validation.count, title: "validation").forEach { print($0) }
        print("train: model written to \(output)")
        return file
    }
}

extension TrainCommand {
    /// Below this many fraud rows in the validation set, its average precision moves in steps of
    /// one fraud row, and the chosen threshold rests on a handful of them.
    static let fewPositives = 100

    /// The early-stopping rule: average precision (what the threshold is chosen on) when the
    /// validation rows hold at least ``fewPositives`` fraud rows, else the log-loss, which every
    /// row's score moves smoothly; either way at least `minimumTrees` are kept.
    static func earlyStoppingRule(rounds: Int, minimumTrees: Int, validationPositives: Int) -> GradientBoostingTrainer.Configuration.EarlyStopping {
        .init(rounds: rounds, metric: validationPositives >= fewPositives ? .averagePrecision : .logLoss, minimumTrees: max(1, minimumTrees))
    }
}

/// The database holds nothing to train on; the message says what was found and what to do.
struct NoTrainingRows: Error, CustomStringConvertible {
    var description: String
}
