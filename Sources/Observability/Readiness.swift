import FraudPipeline

/// Whether a worker should receive traffic and count as up, for `GET /readyz`: it has
/// partitions assigned, its database is reachable, and it is not too far behind.
///
/// Computed from one ``FraudPipeline/WorkerMetrics/Snapshot``, so it is a value that tests can
/// check directly.
public struct Readiness: Sendable, Equatable {
    /// Partitions of the transactions topic assigned to the worker.
    public var assignedPartitions: Int
    /// False while the sink waits for PostgreSQL to come back.
    public var databaseAvailable: Bool
    /// Records on the broker not yet handed to processing, over all assigned partitions.
    public var totalLag: Int64
    /// The most lag at which the worker still counts as ready (`--ready-max-lag`).
    public var maxLag: Int64

    /// Reads the conditions from `snapshot`.
    /// - Parameters:
    ///   - snapshot: The worker's counters now.
    ///   - maxLag: The most total lag allowed (`--ready-max-lag`).
    public init(_ snapshot: WorkerMetrics.Snapshot, maxLag: Int64) {
        assignedPartitions = snapshot.assignedPartitions
        databaseAvailable = !snapshot.databaseUnavailable
        totalLag = snapshot.totalLag
        self.maxLag = maxLag
    }

    /// The conditions that do not hold, each a sentence for the person reading `/readyz`; empty
    /// when the worker is ready.
    public var failures: [String] {
        var failures: [String] = []
        if assignedPartitions <= 0 {
            failures.append("no partitions assigned: the worker has not joined its consumer group yet, or the group has more workers than the topic has partitions")
        }
        if !databaseAvailable {
            failures.append("database unavailable: writes to PostgreSQL are failing and being retried")
        }
        if totalLag > maxLag {
            failures.append("lag \(totalLag) is above --ready-max-lag \(maxLag)")
        }
        return failures
    }

    /// Whether every condition holds.
    public var isReady: Bool { failures.isEmpty }

    /// The `/readyz` body: a JSON object with the verdict, each condition's figure and the
    /// failed conditions.
    public var json: String {
        let reasons = failures.map { "\"\(Self.escape($0))\"" }.joined(separator: ",")
        return """
            {"ready":\(isReady),"assignedPartitions":\(assignedPartitions),"databaseAvailable":\(databaseAvailable),\
            "lag":\(totalLag),"maxLag":\(maxLag),"failures":[\(reasons)]}
            """ + "\n"
    }

    private static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text.unicodeScalars {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case _ where character.value < 0x20: escaped += "\\u" + String(repeating: "0", count: 4 - String(character.value, radix: 16).count) + String(character.value, radix: 16)
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}
