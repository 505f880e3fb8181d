import FraudModel
import Postgres

/// How the model's flags compare with the labels over every scored transaction, as a
/// ``FraudModel/DetectionReport``: per-transaction counts, scenario detection and value
/// detection rate, by the definitions `evaluate` uses (docs/model.md).
///
/// A transaction counts as fraud when its latest label says so; one without a label counts as
/// legitimate (labels arrive for fraud and for a sample of legitimate transactions). Scenarios
/// come from the `fraud_scenarios` view.
public struct ModelOutcomeQuery: Sendable {
    /// The migrated schema to read.
    public let schema: String

    /// Creates the query.
    /// - Throws: ``SchemaError`` when `schema` is not a plain lower-case identifier.
    public init(schema: String = "fraudstream") throws {
        self.schema = try SchemaMigrator(schema: schema).schema
    }

    /// Runs the query.
    /// - Throws: ``Postgres/PostgresError`` from the server.
    public func run(on connection: PostgresConnection) async throws -> DetectionReport {
        let counts = try await connection.query("""
            SELECT count(*) FILTER (WHERE s.flagged AND l.is_fraud),
                   count(*) FILTER (WHERE s.flagged AND NOT coalesce(l.is_fraud, false)),
                   count(*) FILTER (WHERE NOT s.flagged AND NOT coalesce(l.is_fraud, false)),
                   count(*) FILTER (WHERE NOT s.flagged AND l.is_fraud)
            FROM \(schema).scored_transactions AS s
            LEFT JOIN \(schema).labels AS l USING (transaction_id)
            """)
        let matrix = ConfusionMatrix(
            truePositives: try counts[0][0, as: Int.self], falsePositives: try counts[0][1, as: Int.self],
            trueNegatives: try counts[0][2, as: Int.self], falseNegatives: try counts[0][3, as: Int.self])
        let rows = try await connection.query("""
            SELECT fraud_type, count(*), count(*) FILTER (WHERE detected), count(*) FILTER (WHERE detected_early),
                   count(*) FILTER (WHERE transactions > 1), coalesce(sum(amount), 0), coalesce(sum(amount_caught), 0)
            FROM \(schema).fraud_scenarios
            GROUP BY fraud_type
            ORDER BY fraud_type COLLATE "C"
            """)
        var all = DetectionReport.Scenarios(name: "all")
        let byType = try rows.map { row in
            var figures = DetectionReport.Scenarios(name: try row[0, as: String.self])
            figures.scenarios = try row[1, as: Int.self]
            figures.detected = try row[2, as: Int.self]
            figures.detectedEarly = try row[3, as: Int.self]
            figures.multiTransaction = try row[4, as: Int.self]
            figures.amount = try row[5, as: Double.self]
            figures.amountCaught = try row[6, as: Double.self]
            all.add(figures)
            return figures
        }
        return DetectionReport(confusionMatrix: matrix, all: all, byType: byType)
    }
}
