import FraudCore
import Postgres

/// The feature vectors stored with scored transactions, joined to their latest labels: what
/// `fraudstream train --from-database` learns from, so a model is retrained on exactly the
/// features production scored.
///
/// Reads `scored_transactions` left-joined to `labels` (which holds the latest label of each
/// transaction) and returns the same ``LabelledFeatureSet`` the file replay builds, so training,
/// the event-time split and evaluation run the same code either way. Rows are handled as the
/// file path handles them: a transaction without a label counts as legitimate (or is left out),
/// and a fraud type is kept only for rows labelled fraud.
///
/// Only rows whose `feature_schema_version` is ``FeatureSchema/current``'s are used; the others
/// are counted per version in ``Output/otherSchemaVersions``, since their features mean something
/// else. Rows come in event-time order (ties by transaction id, byte order whatever the database's
/// collation, so the same rows always train the same model), fetched ``pageSize`` at a time
/// from a server-side cursor, so a large table never sits in one result, and the whole read sees
/// one snapshot even while a worker keeps writing.
public struct LabelledFeatureQuery: Sendable, Hashable {
    /// Rows fetched per round trip unless told otherwise.
    public static let defaultPageSize = 10_000

    /// What a read returned.
    public struct Output: Sendable {
        /// The usable rows, in event-time order.
        public var set = LabelledFeatureSet()
        /// Rows left out because their features follow another feature schema version: the
        /// number of rows per version.
        public var otherSchemaVersions: [Int: Int] = [:]
        /// Scored rows read, usable or not.
        public var scoredRows = 0

        /// Rows left out for another feature schema version.
        public var skippedRows: Int { otherSchemaVersions.values.reduce(0, +) }
    }

    /// The migrated schema to read, such as `fraudstream`.
    public let schema: String
    /// Only rows whose event time lies within this span before the database's `now()`; `nil` for
    /// all rows.
    public var since: Duration?
    /// Rows fetched per round trip, at least 1.
    public var pageSize: Int
    /// Whether transactions without a label count as legitimate (as the generator's labels and
    /// most production labelling imply) or are left out.
    public var unlabelledAreLegitimate: Bool

    /// Creates a query.
    /// - Parameters:
    ///   - schema: The migrated schema to read.
    ///   - since: The event-time span to look back over, or `nil` for all rows.
    ///   - pageSize: Rows per fetch; larger pages mean fewer round trips and more memory.
    ///   - unlabelledAreLegitimate: Count rows without a label as not fraud; when false they are
    ///     left out (and still counted in ``LabelledFeatureSet/unlabelled``).
    /// - Throws: ``SchemaError`` when `schema` is not a plain lower-case identifier.
    /// - Precondition: `pageSize` is at least 1.
    public init(schema: String = "fraudstream", since: Duration? = nil, pageSize: Int = defaultPageSize, unlabelledAreLegitimate: Bool = true) throws {
        self.schema = try SchemaMigrator(schema: schema).schema
        precondition(pageSize >= 1, "pageSize must be at least 1, got \(pageSize)")
        self.since = since
        self.pageSize = pageSize
        self.unlabelledAreLegitimate = unlabelledAreLegitimate
    }

    /// The cursor's statement and its parameters. Features of other schema versions are not
    /// sent, only counted.
    public var statement: (sql: String, parameters: [PostgresValue?]) {
        var parameters: [PostgresValue?] = [.int(FeatureSchema.current.version)]
        var filter = ""
        if let since {
            let (seconds, attoseconds) = since.components
            parameters.append(.double(Double(seconds) + Double(attoseconds) / 1e18))
            filter = "\nWHERE s.event_time >= now() - make_interval(secs => $\(parameters.count))"
        }
        let sql = """
            SELECT s.transaction_id, floor(extract(epoch FROM s.event_time) * 1000)::bigint AS event_time_ms,
                   s.feature_schema_version,
                   CASE WHEN s.feature_schema_version = $1 THEN s.features END AS features,
                   l.is_fraud, l.fraud_type, s.account_from, s.amount
            FROM \(schema).scored_transactions s
            LEFT JOIN \(schema).labels l ON l.transaction_id = s.transaction_id\(filter)
            ORDER BY s.event_time, s.transaction_id COLLATE "C"
            """
        return (sql, parameters)
    }

    /// Reads the rows.
    /// - Parameter connection: A connection to the database holding ``schema``; the read runs in
    ///   a read-only transaction of its own, so the connection must not be in one.
    /// - Returns: The usable rows and what was left out.
    /// - Throws: ``PostgresError`` from the server (such as an unmigrated schema);
    ///   ``OfflineInputError`` when a row of the current schema version has the wrong number of
    ///   features.
    public func run(on connection: PostgresConnection) async throws -> Output {
        let (sql, parameters) = statement
        let version = FeatureSchema.current.version
        let width = FeatureSchema.current.width
        let unlabelledAreLegitimate = unlabelledAreLegitimate
        let table = "\(schema).scored_transactions"
        return try await connection.withTransaction { connection in
            try await connection.execute("SET TRANSACTION READ ONLY")
            // Shortest exact text for every double, whatever the server's or role's setting.
            try await connection.execute("SET LOCAL extra_float_digits = 3")
            try await connection.execute("DECLARE labelled_features NO SCROLL CURSOR FOR \(sql)", parameters)
            var output = Output()
            while true {
                let page = try await connection.query("FETCH FORWARD \(pageSize) FROM labelled_features")
                if page.isEmpty { break }
                for row in page {
                    output.scoredRows += 1
                    let rowVersion = try row[2, as: Int.self]
                    guard rowVersion == version else {
                        output.otherSchemaVersions[rowVersion, default: 0] += 1
                        continue
                    }
                    let isFraud = try row[4, as: Bool?.self]
                    if isFraud == nil {
                        output.set.unlabelled += 1
                        guard unlabelledAreLegitimate else { continue }
                    }
                    let id = try row[0, as: String.self]
                    let features = try row[3, as: PostgresArray<Double>.self].elements
                    guard features.count == width else {
                        throw OfflineInputError(
                            "\(table): transaction \(id) has \(features.count) features, but feature schema v\(version) has \(width); "
                                + "the row was written by a build whose schema differs without a version bump")
                    }
                    output.set.ids.append(id)
                    output.set.eventTimes.append(try row[1, as: Int64.self])
                    output.set.values.append(contentsOf: features)
                    output.set.labels.append(isFraud ?? false)
                    output.set.fraudTypes.append(isFraud == true ? try row[5, as: String?.self] : nil)
                    output.set.accounts.append(try row[6, as: String.self])
                    output.set.amounts.append(try row[7, as: Double.self])
                }
            }
            try await connection.execute("CLOSE labelled_features")
            return output
        }
    }
}
