import Postgres

/// How the model's flags compare with the labels, over every scored transaction: the figures
/// behind precision and recall.
///
/// A transaction counts as fraud when its latest label says so; one without a label counts as
/// legitimate (labels arrive for fraud and for a sample of legitimate transactions).
public struct ModelOutcomeQuery: Sendable {
    /// The counts of one comparison.
    public struct Outcome: Sendable, Hashable {
        /// Flagged and labelled fraud.
        public var truePositives: Int
        /// Flagged but not labelled fraud.
        public var falsePositives: Int
        /// Labelled fraud but not flagged.
        public var falseNegatives: Int
        /// Every scored transaction compared.
        public var scored: Int

        /// Creates an outcome.
        public init(truePositives: Int, falsePositives: Int, falseNegatives: Int, scored: Int) {
            self.truePositives = truePositives
            self.falsePositives = falsePositives
            self.falseNegatives = falseNegatives
            self.scored = scored
        }

        /// Flagged transactions that are fraud, or `nil` when none was flagged.
        public var precision: Double? {
            truePositives + falsePositives == 0 ? nil : Double(truePositives) / Double(truePositives + falsePositives)
        }

        /// Fraud that was flagged, or `nil` when no fraud is labelled.
        public var recall: Double? {
            truePositives + falseNegatives == 0 ? nil : Double(truePositives) / Double(truePositives + falseNegatives)
        }
    }

    /// The migrated schema to read.
    public let schema: String

    /// Creates the query.
    /// - Throws: ``SchemaError`` when `schema` is not a plain lower-case identifier.
    public init(schema: String = "fraudstream") throws {
        self.schema = try SchemaMigrator(schema: schema).schema
    }

    /// Runs the query.
    /// - Throws: ``Postgres/PostgresError`` from the server.
    public func run(on connection: PostgresConnection) async throws -> Outcome {
        let rows = try await connection.query("""
            SELECT count(*) FILTER (WHERE s.flagged AND l.is_fraud),
                   count(*) FILTER (WHERE s.flagged AND NOT coalesce(l.is_fraud, false)),
                   count(*) FILTER (WHERE NOT s.flagged AND l.is_fraud),
                   count(*)
            FROM \(schema).scored_transactions AS s
            LEFT JOIN \(schema).labels AS l USING (transaction_id)
            """)
        return Outcome(
            truePositives: try rows[0][0, as: Int.self], falsePositives: try rows[0][1, as: Int.self],
            falseNegatives: try rows[0][2, as: Int.self], scored: try rows[0][3, as: Int.self])
    }
}
