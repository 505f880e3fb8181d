import Foundation
import FraudCore
import FraudModel
import FraudPipeline
import Postgres
import Synchronization
import TestSupport
import Testing

@Suite("Model registry in PostgreSQL")
struct ModelRegistryTests {
    /// The bundled model, as the worker loads it.
    static func bundledModel() throws -> ModelFile {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/fraudstream/Resources/default-model.json").path
        return try ModelFile.load(path)
    }

    /// A migrated schema of the test's own, dropped afterwards.
    static func withRegistry(_ body: (ModelRegistry, PostgresConnection) async throws -> Void) async throws {
        let connection = try await TestDatabase.connect()
        let schema = TestDatabase.uniqueName("registry")
        try await SchemaMigrator(schema: schema).migrate(connection, logger: .quiet)
        do {
            try await body(try ModelRegistry(schema: schema), connection)
        } catch {
            _ = try? await connection.execute("DROP SCHEMA \(schema) CASCADE")
            await connection.close()
            throw error
        }
        try await connection.execute("DROP SCHEMA \(schema) CASCADE")
        await connection.close()
    }

    @Test("registering derives a version, stores the evaluation figures and the file, and is idempotent")
    func registerAndList() async throws {
        let model = try Self.bundledModel()
        try await Self.withRegistry { registry, connection in
            let first = try await registry.register(model, description: "bundled", on: connection)
            #expect(first.isNew)
            #expect(first.version.wholeMatch(of: /gbt-\d{8}-[0-9a-f]{8}/) != nil, "derived version \(first.version)")
            let again = try await registry.register(model, on: connection)
            #expect(again == ModelRegistration(version: first.version, isNew: false), "the same file registered twice")
            let named = try await registry.register(model, version: "bundled-v1", on: connection)
            #expect(named.isNew, "the same file under an explicit new name is a new version")
            #expect(try await registry.register(model, version: "bundled-v1", on: connection).isNew == false)

            let listed = try await registry.list(on: connection)
            #expect(Set(listed.map(\.version)) == [first.version, "bundled-v1"])
            let row = try #require(listed.first { $0.version == first.version })
            #expect(row.kind == "gbt" && row.threshold == model.decisionThreshold && row.description == "bundled")
            #expect(row.featureSchema == FeatureSchema.current.name && row.featureSchemaVersion == FeatureSchema.current.version)
            #expect(row.evaluation == model.evaluation, "metrics hold the file's evaluation figures")
            #expect(row.hasDocument && !row.isActive && row.lastActivatedAt == nil)
            let loaded = try await registry.load(first.version, on: connection)
            #expect(try loaded.jsonData() == model.jsonData(), "the stored file loads back identical")
        }
    }

    @Test("another model file under a taken version, and a malformed version name, are refused")
    func conflictingVersions() async throws {
        let model = try Self.bundledModel()
        var other = model
        other.decisionThreshold = 0.5
        try await Self.withRegistry { registry, connection in
            _ = try await registry.register(model, version: "v1", on: connection)
            let taken = await #expect(throws: ModelRegistryError.self) { try await registry.register(other, version: "v1", on: connection) }
            #expect(taken?.code == .versionTaken && taken?.description.contains("--version") == true, "\(String(describing: taken))")
            let invalid = await #expect(throws: ModelRegistryError.self) { try await registry.register(other, version: "no spaces", on: connection) }
            #expect(invalid?.code == .invalidVersionName)
            #expect(try await registry.load("v1", on: connection).decisionThreshold == model.decisionThreshold, "v1 unchanged")
        }
    }

    @Test("activation: unknown, file-less and other-schema versions are refused; a good one becomes active and is announced")
    func activation() async throws {
        let model = try Self.bundledModel()
        var otherSchema = model
        otherSchema.featureSchema.version += 1
        var stricter = model
        stricter.decisionThreshold = 0.995
        try await Self.withRegistry { registry, connection in
            let listener = try await PostgresNotificationListener.listen(
                channel: ModelRegistry.activationChannel, configuration: PostgresConfiguration(TestDatabase.url()), logger: .quiet)
            defer { listener.stop() }
            let payloads = Mutex<[String]>([])
            let reader = Task {
                for await event in listener.events {
                    if case .notification(let notification) = event { payloads.withLock { $0.append(notification.payload) } }
                }
            }
            defer { reader.cancel() }

            #expect(try await registry.activeVersion(on: connection) == nil)
            let unknown = await #expect(throws: ModelRegistryError.self) { try await registry.activate("nope", on: connection) }
            #expect(unknown?.code == .unknownVersion && unknown?.description.contains("registry is empty") == true, "\(String(describing: unknown))")

            _ = try await registry.register(otherSchema, version: "future", on: connection)
            let incompatible = await #expect(throws: ModelRegistryError.self) { try await registry.activate("future", on: connection) }
            #expect(incompatible?.code == .incompatibleSchema, "\(String(describing: incompatible))")

            try await connection.execute(
                "INSERT INTO \(registry.schema).models (version, kind, feature_schema, feature_schema_version, threshold, metrics) VALUES ('legacy', 'gbt', 'x', 1, 0.5, '{}')")
            let legacy = await #expect(throws: ModelRegistryError.self) { try await registry.activate("legacy", on: connection) }
            #expect(legacy?.code == .missingDocument)
            #expect(try await registry.activeVersion(on: connection) == nil, "nothing refused was activated")

            _ = try await registry.register(model, version: "v1", on: connection)
            _ = try await registry.register(stricter, version: "v2", on: connection)
            try await registry.activate("v1", on: connection)
            try await registry.activate("v2", by: "tester", on: connection)
            #expect(try await registry.activeVersion(on: connection) == "v2")
            let listed = try await registry.list(on: connection)
            #expect(listed.filter(\.isActive).map(\.version) == ["v2"])
            #expect(listed.first { $0.version == "v1" }?.lastActivatedAt != nil)
            try await registry.activate("v1", on: connection)
            #expect(try await registry.activeVersion(on: connection) == "v1", "rolled back by activating the previous version")
            let by = try await connection.query("SELECT activated_by FROM \(registry.schema).model_activations ORDER BY id").map { try $0[0, as: String.self] }
            #expect(by.count == 3 && by[1] == "tester")

            let schema = registry.schema
            let announced = try await waitUntil { payloads.withLock { $0.filter { $0 == schema }.count } >= 3 }
            #expect(announced, "three activations announce the schema: \(payloads.withLock { $0 })")
        }
    }
}

private func waitUntil(timeout: Duration = .seconds(20), _ condition: () -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}
