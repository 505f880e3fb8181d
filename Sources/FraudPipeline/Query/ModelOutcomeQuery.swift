import FraudModel
import Postgres

/// How the model's flags compare with the labels over every scored transaction, as a
/// ``FraudModel/ConfusionMatrix`` (precision and recall for the demo and reports).
///
/// A transaction counts as fraud when its latest label says so; one without a label counts as
/// legitimate (labels arrive for fraud and for a sample of legitimate transactions).
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
    public func run(on connection: PostgresConnection) async throws -> ConfusionMatrix {
        let rows = try await connection.query("""
            SELECT count(*) FILTER (WHERE s.flagged AND l.is_fraud),
                   count(*) FILTER (WHERE s.flagged AND NOT coalesce(l.is_fraud, false)),
                   count(*) FILTER (WHERE NOT s.flagged AND NOT coalesce(l.is_fraud, false)),
                   count(*) FILTER (WHERE NOT s.flagged AND l.is_fraud)
            FROM \(schema).scored_transactions AS s
            LEFT JOIN \(schema).labels AS l USING (transaction_id)
            """)
        return ConfusionMatrix(
            truePositives: try rows[0][0, as: Int.self], falsePositives: try rows[0][1, as: Int.self],
            trueNegatives: try rows[0][2, as: Int.self], falseNegatives: try rows[0][3, as: Int.self])
    }
}
