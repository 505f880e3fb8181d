import Logging
import Postgres

/// Repeats a database operation while PostgreSQL is unreachable, with exponential backoff,
/// logging once when the database goes away and once when it is back (never once per try).
///
/// Only retryable failures (``Postgres/PostgresError/isRetryable``: connection lost, server
/// shutting down, serialisation failures) are repeated; anything else is thrown at once, as is
/// cancellation. Make the operation safe to repeat: a failure during `COMMIT` has an unknown
/// outcome.
struct DatabaseRetry: Sendable {
    /// The first pause after a failure.
    var initialBackoff: Duration = .milliseconds(100)
    /// The longest pause between tries.
    var maxBackoff: Duration = .seconds(5)
    /// Receives the two state-change messages.
    var logger: Logger
    /// Told when the database goes away (`true`) and comes back (`false`); not for a wait on
    /// Kafka, which the log names and the lag shows.
    var onStateChange: @Sendable (_ unavailable: Bool) -> Void = { _ in }

    /// Runs `operation` until it succeeds, fails for good, or the task is cancelled.
    /// - Parameters:
    ///   - what: What the operation does, for the log (`writing 1200 rows`).
    ///   - isRetryable: Decides which errors to retry.
    ///   - operation: The work.
    func run<Result>(
        _ what: @autoclosure () -> String,
        isRetryable: (any Error) -> Bool = DatabaseRetry.isRetryable,
        _ operation: () async throws -> Result
    ) async throws -> Result {
        var backoff = initialBackoff
        var failures = 0
        var firstFailure: ContinuousClock.Instant?
        var kafkaOutage = false
        while true {
            do {
                let result = try await operation()
                if let firstFailure {
                    logger.notice(kafkaOutage ? "Kafka reachable again; resuming" : "database reachable again; resuming", metadata: [
                        "operation": "\(what())", "failedTries": "\(failures)",
                        "outageSeconds": "\((ContinuousClock.now - firstFailure).seconds)",
                    ])
                    if !kafkaOutage { onStateChange(false) }
                }
                return result
            } catch where isRetryable(error) && !Task.isCancelled {
                failures += 1
                if firstFailure == nil {
                    firstFailure = .now
                    // The outbox relay's pass waits for Kafka too: say which side is away.
                    kafkaOutage = error is PublicationError
                    let message: Logger.Message = kafkaOutage
                        ? "Kafka unavailable for alerts or dead letters; they wait in the outbox, retried with backoff until delivered"
                        : "database unavailable; retrying with backoff until it is back"
                    logger.warning(message, metadata: ["operation": "\(what())", "error": "\(error)"])
                    if !kafkaOutage { onStateChange(true) }
                }
                try await Task.sleep(for: backoff)
                backoff = min(backoff * 2, maxBackoff)
            }
        }
    }

    /// The default rule: retry what PostgreSQL and the sink call retryable.
    static func isRetryable(_ error: any Error) -> Bool {
        switch error {
        case let error as PostgresError: error.isRetryable
        case let error as ScoredTransactionSinkError: error.isRetryable
        case let error as PublicationError: !error.isPermanent
        default: false
        }
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
