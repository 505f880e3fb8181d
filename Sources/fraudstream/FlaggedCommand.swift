import ArgumentParser
import FraudPipeline
import Generator
import Logging
import Postgres

/// `fraudstream flagged`: the latest flagged transactions, for an analyst at a terminal or a
/// script reading JSON or CSV.
struct FlaggedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flagged",
        abstract: "List the latest flagged transactions, newest event time first.",
        discussion: """
            Reads the flagged_transactions view. Without --since there is no time limit: the \
            newest --limit rows are shown. --account matches the paying or the receiving account.
            """
    )

    @Option(help: ArgumentHelp("Only transactions whose event time is within this span before now: 30s, 10m, 2h or 7d (default: no time limit).", valueName: "duration"))
    var since: String?

    @Option(help: ArgumentHelp("Only transactions this account paid or received (account_from or account_to).", valueName: "id"))
    var account: String?

    @Option(name: .customLong("min-score"), help: ArgumentHelp("Only transactions scored at least this much, such as 0.9.", valueName: "score"))
    var minimumScore: String?

    @Option(help: ArgumentHelp("The most rows to show, from 1 to \(FlaggedTransactionQuery.maximumLimit).", valueName: "n"))
    var limit: Int = 50

    @Option(help: ArgumentHelp("Output format: table (for a terminal), json (one array) or csv (with a header).", valueName: "format"))
    var format: String = "table"

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        _ = try query()
        _ = try outputFormat()
    }

    func run() async throws {
        logging.bootstrap()
        let logger = Logger(label: "fraudstream.flagged")
        let query = try query()
        let format = try outputFormat()
        let connection = try await PostgresConnection.connect(database.configuration, logger: logger)
        let rows: [FlaggedTransactionQuery.Row]
        do {
            rows = try await query.run(on: connection)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
        print(try FlaggedOutput.render(rows, as: format), terminator: "")
        fflushStandardOutput()
    }

    /// The query the flags describe.
    /// - Throws: `ValidationError` naming the flag that is wrong.
    private func query() throws -> FlaggedTransactionQuery {
        var duration: Duration?
        if let since {
            guard let parsed = try? GeneratorDurationParser.parse(since, flag: "--since"), parsed > .zero else {
                throw ValidationError("--since: expected a duration like 30s, 10m, 2h or 7d, got \"\(since)\"")
            }
            duration = parsed
        }
        var score: Double?
        if let minimumScore {
            guard let parsed = Double(minimumScore), parsed.isFinite else {
                throw ValidationError("--min-score: expected a number such as 0.9, got \"\(minimumScore)\"")
            }
            score = parsed
        }
        if let account, account.isEmpty {
            throw ValidationError("--account: expected an account id such as C123, got an empty string")
        }
        guard (1...FlaggedTransactionQuery.maximumLimit).contains(limit) else {
            throw ValidationError("--limit must be between 1 and \(FlaggedTransactionQuery.maximumLimit), got \(limit)")
        }
        do {
            return try FlaggedTransactionQuery(schema: database.schema, since: duration, account: account, minimumScore: score, limit: limit)
        } catch let error as SchemaError {
            throw ValidationError("--schema: \(error)")
        }
    }

    private func outputFormat() throws -> FlaggedOutput.Format {
        guard let format = FlaggedOutput.Format(rawValue: format) else {
            throw ValidationError("--format: expected table, json or csv, got \"\(format)\"")
        }
        return format
    }
}
