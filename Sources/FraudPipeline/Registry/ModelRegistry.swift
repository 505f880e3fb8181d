import FraudCore
import FraudModel
import Foundation
import Postgres

/// The model registry: model files stored in PostgreSQL (`models`), with the history of which
/// version is active (`model_activations`).
///
/// The active version is the latest activation. Each activation's trigger sends
/// `NOTIFY fraudstream_model_activated, '<schema>'` (``activationChannel``), which running
/// workers listen for to switch models without restarting; rolling back is activating the
/// previous version again.
///
/// Each version stores the whole model file (canonical JSON, sorted keys), its kind, feature
/// schema, threshold and evaluation figures (`metrics`, the file's `evaluation` object).
public struct ModelRegistry: Sendable {
    /// The channel activations are announced on; the payload is the schema name.
    public static let activationChannel = "fraudstream_model_activated"
    /// The longest version name.
    public static let maximumVersionLength = 128

    /// The PostgreSQL schema holding the registry's tables (migrated to version 3 or later).
    public let schema: String

    /// Creates a registry over the tables in `schema`.
    /// - Parameter schema: A migrated schema, such as `fraudstream`.
    /// - Throws: ``SchemaError`` when `schema` is not a plain lower-case identifier.
    public init(schema: String) throws {
        _ = try SchemaMigrator(schema: schema)
        self.schema = schema
    }

    /// Stores a model file under a version.
    ///
    /// Registering the same model file again is harmless: without `version` it returns the
    /// version the file already has, and with the same `version` it does nothing.
    /// - Parameters:
    ///   - model: The model file.
    ///   - version: The name to register it under; `nil` derives one: kind, UTC date and a hash
    ///     of the file, such as `gbt-20261123-3fa85f64`.
    ///   - description: Free text shown by `fraudstream model list`.
    ///   - connection: The connection to write with.
    /// - Returns: The version, and whether anything was written.
    /// - Throws: ``ModelRegistryError``: `invalidVersionName`, or `versionTaken` when `version`
    ///   holds another model file; ``FraudModel/ModelError`` when the file cannot be encoded;
    ///   ``Postgres/PostgresError`` from the server.
    public func register(_ model: ModelFile, version: String? = nil, description: String = "", on connection: PostgresConnection) async throws -> ModelRegistration {
        let document = String(decoding: try model.jsonData(), as: UTF8.self)
        let chosen: String
        if let version {
            chosen = try Self.validate(version)
        } else if let existing = try await existingVersion(of: document, on: connection) {
            chosen = existing
        } else {
            chosen = Self.derivedVersion(of: model, document: document)
        }
        let version = chosen
        let metrics = try model.evaluation.map { String(decoding: try Self.encoder.encode($0), as: UTF8.self) } ?? "{}"
        let inserted = try await connection.query(
            """
            INSERT INTO \(schema).models (version, kind, feature_schema, feature_schema_version, threshold, metrics, document, description)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (version) DO NOTHING
            RETURNING version
            """,
            [.text(version), .text(Self.kind(of: model)), .text(model.featureSchema.name), .int32(Int32(model.featureSchema.version)),
             .double(model.decisionThreshold), .jsonb(metrics), .text(document), .text(description)])
        if inserted.count == 1 { return ModelRegistration(version: version, isNew: true) }
        let stored = try await connection.query("SELECT document FROM \(schema).models WHERE version = $1", [.text(version)])
        guard let row = stored.first, try row[0, as: String?.self] == document else {
            throw ModelRegistryError(.versionTaken, version: version,
                "model version \"\(version)\" is already registered with another model file; choose another --version, or leave it out to derive one")
        }
        return ModelRegistration(version: version, isNew: false)
    }

    /// Every registered version, newest first, with the active one marked.
    /// - Parameter connection: The connection to read with.
    /// - Throws: ``Postgres/PostgresError`` from the server.
    public func list(on connection: PostgresConnection) async throws -> [RegisteredModel] {
        try await rows(where: "", [], on: connection)
    }

    /// One registered version.
    /// - Parameters:
    ///   - version: The version.
    ///   - connection: The connection to read with.
    /// - Throws: ``ModelRegistryError/Code/unknownVersion``; ``Postgres/PostgresError`` from the server.
    public func model(_ version: String, on connection: PostgresConnection) async throws -> RegisteredModel {
        guard let model = try await rows(where: "WHERE m.version = $1", [.text(version)], on: connection).first else {
            throw try await unknown(version, on: connection)
        }
        return model
    }

    /// Makes `version` the active model: workers listening switch to it at their next batch.
    ///
    /// The model file is loaded and checked first, so a version no worker of this build could
    /// score with is never activated.
    /// - Parameters:
    ///   - version: A registered version.
    ///   - by: Who activates it, for the history (`model_activations.activated_by`); `nil` is
    ///     the database user.
    ///   - connection: The connection to write with.
    /// - Returns: The model file now active.
    /// - Throws: ``ModelRegistryError``: `unknownVersion`, `missingDocument`, `unreadableDocument`
    ///   or `incompatibleSchema`; ``Postgres/PostgresError`` from the server.
    @discardableResult
    public func activate(_ version: String, by: String? = nil, on connection: PostgresConnection) async throws -> ModelFile {
        let model = try await load(version, on: connection)
        if let by {
            try await connection.execute("INSERT INTO \(schema).model_activations (version, activated_by) VALUES ($1, $2)", [.text(version), .text(by)])
        } else {
            try await connection.execute("INSERT INTO \(schema).model_activations (version) VALUES ($1)", [.text(version)])
        }
        return model
    }

    /// The active version: the latest activation, or `nil` if none was ever made.
    /// - Parameter connection: The connection to read with.
    /// - Throws: ``Postgres/PostgresError`` from the server.
    public func activeVersion(on connection: PostgresConnection) async throws -> String? {
        try await connection.query("SELECT version FROM \(schema).model_activations ORDER BY id DESC LIMIT 1")
            .first.map { try $0[0, as: String.self] }
    }

    /// Loads a version's model file and checks that this build's feature engine can feed it.
    /// - Parameters:
    ///   - version: A registered version.
    ///   - connection: The connection to read with.
    /// - Returns: The model file.
    /// - Throws: ``ModelRegistryError``: `unknownVersion`, `missingDocument`, `unreadableDocument`
    ///   or `incompatibleSchema`; ``Postgres/PostgresError`` from the server.
    public func load(_ version: String, on connection: PostgresConnection) async throws -> ModelFile {
        let rows = try await connection.query("SELECT document FROM \(schema).models WHERE version = $1", [.text(version)])
        guard let row = rows.first else { throw try await unknown(version, on: connection) }
        guard let document = try row[0, as: String?.self] else {
            throw ModelRegistryError(.missingDocument, version: version,
                "model version \"\(version)\" was recorded without its model file (before the registry existed) and cannot be loaded; register the file again with fraudstream model register FILE --version NAME")
        }
        let model: ModelFile
        do {
            model = try ModelFile.decode(Data(document.utf8), source: "model version \"\(version)\"")
        } catch {
            throw ModelRegistryError(.unreadableDocument, version: version, "\(error.message); register a model file this build reads")
        }
        let engine = FeatureSchema.current
        do {
            try model.requireFeatureSchema(name: engine.name, version: engine.version, featureNames: engine.featureNames)
        } catch {
            throw ModelRegistryError(.incompatibleSchema, version: version,
                "model version \"\(version)\" cannot be scored by this worker: \(error.message)")
        }
        return model
    }

    /// The version name a model file gets when none is given: `<kind>-<yyyyMMdd>-<hash>`.
    /// - Parameters:
    ///   - model: The model file.
    ///   - document: Its canonical JSON (``FraudModel/ModelFile/jsonData()``).
    ///   - date: The registration date (UTC).
    public static func derivedVersion(of model: ModelFile, document: String, date: Date = Date()) -> String {
        let hex = String(StableHash.fnv1a(document.utf8) >> 32, radix: 16)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd"
        return "\(kind(of: model))-\(formatter.string(from: date))-\(String(repeating: "0", count: 8 - hex.count))\(hex)"
    }

    /// `gbt` for a tree ensemble, `logistic` for a logistic regression (as `train --kind` names them).
    public static func kind(of model: ModelFile) -> String {
        model.model is LogisticRegressionModel ? "logistic" : "gbt"
    }

    /// Checks a version name given by a person.
    /// - Throws: ``ModelRegistryError/Code/invalidVersionName`` saying what is allowed.
    public static func validate(_ version: String) throws -> String {
        let allowed = version.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || "._-".unicodeScalars.contains(scalar)
        }
        guard !version.isEmpty, version.count <= maximumVersionLength, allowed else {
            throw ModelRegistryError(.invalidVersionName, version: version,
                "--version: expected 1 to \(maximumVersionLength) letters, digits, '.', '_' or '-', got \"\(version)\"")
        }
        return version
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    private func existingVersion(of document: String, on connection: PostgresConnection) async throws -> String? {
        try await connection.query("SELECT version FROM \(schema).models WHERE document = $1 ORDER BY created_at LIMIT 1", [.text(document)])
            .first.map { try $0[0, as: String.self] }
    }

    private func unknown(_ version: String, on connection: PostgresConnection) async throws -> ModelRegistryError {
        let known = try await connection.query("SELECT version FROM \(schema).models ORDER BY created_at DESC LIMIT 5").map { try $0[0, as: String.self] }
        let hint = known.isEmpty ? "the registry is empty: register one with fraudstream train --register or fraudstream model register FILE"
            : "registered: \(known.joined(separator: ", "))\(known.count == 5 ? ", ..." : ""); see fraudstream model list"
        return ModelRegistryError(.unknownVersion, version: version, "no model version \"\(version)\" in \(schema).models; \(hint)")
    }

    private func rows(where condition: String, _ parameters: [PostgresValue?], on connection: PostgresConnection) async throws -> [RegisteredModel] {
        let rows = try await connection.query(
            """
            WITH active AS (SELECT version FROM \(schema).model_activations ORDER BY id DESC LIMIT 1),
                 latest AS (SELECT version, max(activated_at) AS activated_at FROM \(schema).model_activations GROUP BY version)
            SELECT m.version, m.kind, m.feature_schema, m.feature_schema_version, m.threshold, m.metrics::text, m.description,
                   m.created_at, m.document IS NOT NULL, m.version IN (SELECT version FROM active), latest.activated_at
            FROM \(schema).models m LEFT JOIN latest ON latest.version = m.version
            \(condition)
            ORDER BY m.created_at DESC, m.version
            """, parameters)
        let decoder = JSONDecoder()
        return try rows.map { row in
            let metrics = try row[5, as: String.self]
            return RegisteredModel(
                version: try row[0, as: String.self], kind: try row[1, as: String.self], featureSchema: try row[2, as: String.self],
                featureSchemaVersion: try row[3, as: Int.self], threshold: try row[4, as: Double.self],
                evaluation: try? decoder.decode(ModelEvaluation.self, from: Data(metrics.utf8)),
                description: try row[6, as: String.self], createdAt: try row[7, as: Date.self], hasDocument: try row[8, as: Bool.self],
                isActive: try row[9, as: Bool.self], lastActivatedAt: try row[10, as: Date?.self])
        }
    }
}
