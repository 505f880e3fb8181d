import Foundation
import FraudPipeline
import Generator
import Kafka
import Postgres
import TestSupport
import Testing

@Suite("Taking over partitions never hangs", .serialized)
struct WorkerAssignmentTests {
    @Test("a database role that may read but not write stream_offsets stops the worker at assignment, saying what to grant, instead of retrying forever")
    func permissionDeniedStopsTheWorker() async throws {
        let cluster = try EmbeddedKafkaCluster()
        defer { cluster.shutdown() }
        try cluster.createTopic("transactions", partitions: 2)
        let schema = TestDatabase.uniqueName("denied")
        let role = TestDatabase.uniqueName("reader")
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        try await SchemaMigrator(schema: schema).migrate(connection)
        try await connection.execute("CREATE ROLE \(role) LOGIN")
        try await connection.execute("GRANT USAGE ON SCHEMA \(schema) TO \(role)")
        try await connection.execute("GRANT SELECT ON ALL TABLES IN SCHEMA \(schema) TO \(role)")
        let url = try TestDatabase.url().replacingOccurrences(of: "://fraudstream@", with: "://\(role)@")
        #expect(url.contains(role))

        let worker = try WorkerProcess(
            brokers: cluster.bootstrapServers, databaseURL: url, schema: schema, group: "denied",
            arguments: ["--no-migrate", "--labels-topic", "none"])
        let exited = try await eventually(timeout: .seconds(60)) { !worker.process.isRunning }
        if !exited { worker.kill() }
        #expect(exited, "the worker still ran 60 s after start; its log:\n\(worker.log.suffix(3000))")
        #expect(worker.process.terminationStatus != 0)
        let log = worker.log
        // Whichever reaches the database first (taking over a partition, or sending the outbox)
        // meets the missing grant; either stops the worker saying what to grant.
        #expect(log.contains("could not take over partition") || log.contains("could not send alerts and dead letters"))
        #expect(log.contains("42501") && log.contains("grant the worker's database role"),
                "the log does not say what failed and what to grant:\n\(log.suffix(3000))")
        try await connection.execute("DROP SCHEMA \(schema) CASCADE")
        try await connection.execute("DROP ROLE \(role)")
    }

    @Test("--no-migrate against a schema without fraudstream's tables, or one migration behind, stops the worker at start naming fraudstream migrate, and applies nothing")
    func missingTablesStopTheWorker() async throws {
        let cluster = try EmbeddedKafkaCluster()
        defer { cluster.shutdown() }
        try cluster.createTopic("transactions", partitions: 1)
        let worker = try WorkerProcess(
            brokers: cluster.bootstrapServers, databaseURL: try TestDatabase.url(), schema: TestDatabase.uniqueName("empty"),
            group: "unmigrated", arguments: ["--no-migrate", "--labels-topic", "none"])
        let exited = try await eventually(timeout: .seconds(30)) { !worker.process.isRunning }
        if !exited { worker.kill() }
        #expect(exited, "the worker still ran 30 s after start; its log:\n\(worker.log.suffix(3000))")
        #expect(worker.process.terminationStatus != 0)
        #expect(worker.log.contains("--no-migrate") && worker.log.contains("fraudstream migrate"), "log:\n\(worker.log.suffix(2000))")

        // One migration behind: refused too, and the pending migration is left unapplied.
        let schema = TestDatabase.uniqueName("behind")
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        let migrator = try SchemaMigrator(schema: schema)
        try await migrator.migrate(connection)
        let latest = try #require(migrator.migrations.last?.version)
        try await connection.execute("DELETE FROM \(schema).schema_migrations WHERE version = $1", [.int(latest)])
        let behind = try WorkerProcess(
            brokers: cluster.bootstrapServers, databaseURL: try TestDatabase.url(), schema: schema,
            group: "behind", arguments: ["--no-migrate", "--labels-topic", "none"])
        let refused = try await eventually(timeout: .seconds(30)) { !behind.process.isRunning }
        if !refused { behind.kill() }
        #expect(refused && behind.process.terminationStatus != 0, "a worker with --no-migrate ran on a schema one migration behind")
        #expect(behind.log.contains("needs \(migrator.migrations.map(\.version))"), "log:\n\(behind.log.suffix(2000))")
        #expect(try await migrator.appliedVersions(connection) == Array(migrator.migrations.map(\.version).dropLast()), "--no-migrate applied a migration")
        try await connection.execute("DROP SCHEMA \(schema) CASCADE")
    }

    /// How long a stop may take beyond --drain-timeout: the worker's own margin (5 s) plus
    /// closing its clients and the process exit.
    static let stopMargin = Duration.seconds(12)

    @Test("PostgreSQL down for longer than max.poll.interval.ms: a SIGTERMed worker abandons its drain after --drain-timeout plus a margin and exits non-zero saying so, the other takes its partitions without leaving the group, and everything is written exactly once when the database is back")
    func outageLongerThanThePollInterval() async throws {
        let postgres = RestartablePostgres()
        do {
            try await outage(postgres)
        } catch {
            await postgres.remove()
            throw error
        }
        await postgres.remove()
    }

    private func outage(_ postgres: RestartablePostgres) async throws {
        let partitions = 4
        let group = "outage"
        let drainTimeout = Duration.seconds(3)
        let pollInterval = Duration.seconds(8)
        let outage = Duration.seconds(20)
        let cluster = try EmbeddedKafkaCluster()
        defer { cluster.shutdown() }
        try cluster.createTopic("transactions", partitions: partitions)
        let databaseURL = try await postgres.start()
        let schema = "fraudstream"
        let arguments = [
            "--labels-topic", "none", "--drain-timeout", "3s",
            "--kafka-property", "max.poll.interval.ms=\(pollInterval.components.seconds * 1000)",
        ]
        let first = try await GeneratorRun.run(options: generatorOptions(
            cluster: cluster, topic: "transactions", partitions: partitions, count: 4_000, seed: 51, rate: nil), logger: .quiet)
        let staying = try WorkerProcess(brokers: cluster.bootstrapServers, databaseURL: databaseURL, schema: schema, group: group, arguments: arguments)
        let leaving = try WorkerProcess(brokers: cluster.bootstrapServers, databaseURL: databaseURL, schema: schema, group: group, arguments: arguments)
        var connection = try await PostgresConnection.connect(PostgresConfiguration(databaseURL), logger: .quiet)
        let shared = try await eventually(timeout: .seconds(90)) {
            await writtenOffsets(schema: schema, group: group, topic: "transactions", on: connection) == Int64(first.transactions)
                && staying.log.lines(containing: "partition assigned").count >= 1 && leaving.log.lines(containing: "partition assigned").count >= 1
        }
        try #require(shared, "the two workers did not share and write the first part; logs:\n\(staying.log.suffix(2000))\n---\n\(leaving.log.suffix(2000))")
        await connection.close()

        try await postgres.stop()
        let second = try await GeneratorRun.run(options: generatorOptions(
            cluster: cluster, topic: "transactions", partitions: partitions, count: 4_000, seed: 52, rate: nil), logger: .quiet)
        try await Task.sleep(for: .seconds(2))  // the leaving worker has batches in flight for the database
        let stopped = leaving.terminate()
        #expect(stopped.seconds <= Double((drainTimeout + Self.stopMargin).components.seconds),
                "the worker took \(stopped.seconds) s to stop with the database down; its log:\n\(leaving.log.suffix(3000))")
        #expect(leaving.log.contains("stopping before everything in flight was written"), "log:\n\(leaving.log.suffix(2000))")
        // Abandoning the drain is a failure of the stop: a non-zero exit, and the reason in the log.
        #expect(stopped.status != 0, "a stop that abandoned its drain exited 0")
        #expect(leaving.log.contains("the next worker to own their partitions reads them again"), "log:\n\(leaving.log.suffix(2000))")

        // The staying worker is assigned every partition while the database is away; its poll
        // thread must not wait for the database, or the group drops it after max.poll.interval.ms.
        try await Task.sleep(for: outage)
        try await postgres.startAgain()
        connection = try await PostgresConnection.connect(PostgresConfiguration(databaseURL), logger: .quiet)
        defer { Task { [connection] in await connection.close() } }
        let total = Int64(first.transactions + second.transactions)
        let caughtUp = try await eventually(timeout: .seconds(90)) {
            await writtenOffsets(schema: schema, group: group, topic: "transactions", on: connection) == total
        }
        #expect(caughtUp, "the staying worker did not write everything after the outage; its log:\n\(staying.log.suffix(3000))")
        let log = staying.log.lowercased()
        #expect(!log.contains("max_poll") && !log.contains("maximum poll interval"),
                "the staying worker left its group during the outage; its log:\n\(staying.log.suffix(4000))")
        #expect(staying.log.lines(containing: "partition assigned").count >= partitions, "it never took over the leaving worker's partitions")

        let records = try await WorkerTestStream.readAll(cluster: cluster, topic: "transactions", count: Int(total))
        let reference = try await WorkerTestStream.score(records)
        let end = staying.terminate()
        #expect(end.status == 0, "log:\n\(staying.log.suffix(2000))")
        try await reference.verify(schema: schema, group: group, topic: "transactions", on: connection)
    }
}
