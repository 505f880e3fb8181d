import Foundation
import FraudPipeline
import Kafka
import Postgres
import TestSupport
import Testing

@Suite("fraudstream worker when PostgreSQL stalls or goes away", .serialized)
struct WorkerOutageTests {
    /// The most resident memory the worker may use while the sink table is locked and records
    /// keep arriving, and while it catches up afterwards: 160 MiB. By design it holds at most
    /// --max-pending-rows (20,000) processed rows, 1 MiB of records per partition and
    /// librdkafka's prefetch queue (8 MiB). Measured in a debug build: about 50 MiB before the
    /// stall, 63 MiB at its end, 76 MiB while catching up. The lag check below is what shows
    /// that it stops pulling; this bound catches a leak or a buffer that grows with the backlog.
    static let memoryBound = 160 << 20

    @Test("with the sink table locked for 10 s under load, the worker stops pulling, keeps its partitions, stays within its memory bound, and writes everything exactly once after the lock is released")
    func stalledDatabase() async throws {
        let partitions = 8
        let rate = 4_000
        let stall = Duration.seconds(10)
        let group = "stall"
        let cluster = try EmbeddedKafkaCluster()
        defer { cluster.shutdown() }
        try cluster.createTopic("transactions", partitions: partitions)
        let schema = TestDatabase.uniqueName("stall")
        let worker = try WorkerProcess(
            brokers: cluster.bootstrapServers, databaseURL: try TestDatabase.url(), schema: schema, group: group,
            arguments: ["--status-interval", "1s", "--labels-topic", "none"])
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        let joined = try await eventually(timeout: .seconds(60)) { worker.log.lines(containing: "partition assigned").count >= partitions }
        try #require(joined, "the worker did not take its partitions; its log:\n\(worker.log.suffix(3000))")

        // 3 s of load before the lock, 10 s under it, a little after.
        let production = try BackgroundProduction(
            cluster: cluster, topic: "transactions", partitions: partitions, count: rate * 15, rate: rate, seed: 31)
        let writing = try await eventually(timeout: .seconds(30)) {
            await writtenOffsets(schema: schema, group: group, topic: "transactions", on: connection) > 0
        }
        try #require(writing, "the worker wrote nothing; its log:\n\(worker.log.suffix(3000))")
        try await Task.sleep(for: .seconds(2))
        let pid = worker.process.processIdentifier
        let baseline = try #require(residentBytes(of: pid))
        var peak = baseline

        struct DuringStall {
            var writtenAtStart: Int64
            var writtenAtEnd: Int64
            var producedAtStart: Int
            var producedAtEnd: Int
            var log: String
        }
        let locker = try await TestDatabase.connect()
        defer { Task { await locker.close() } }
        let during = try await locker.withTransaction { locker in
            try await locker.execute("LOCK TABLE \(schema).scored_transactions IN ACCESS EXCLUSIVE MODE")
            let lockedAt = ContinuousClock.now
            let writtenAtStart = await writtenOffsets(schema: schema, group: group, topic: "transactions", on: connection)
            let producedAtStart = production.produced
            while ContinuousClock.now - lockedAt < stall {
                if let resident = residentBytes(of: pid) { peak = max(peak, resident) }
                try await Task.sleep(for: .milliseconds(100))
            }
            return DuringStall(
                writtenAtStart: writtenAtStart,
                writtenAtEnd: await writtenOffsets(schema: schema, group: group, topic: "transactions", on: connection),
                producedAtStart: producedAtStart, producedAtEnd: production.produced, log: worker.log)
        }
        let releasedAt = ContinuousClock.now
        let peakDuringStall = peak

        #expect(during.writtenAtEnd == during.writtenAtStart, "the worker wrote while the table was locked: the lock did not stall it")
        #expect(during.producedAtEnd - during.producedAtStart >= rate * 5, "too little load during the stall to mean anything: \(during.producedAtEnd - during.producedAtStart) records")
        // Stopped pulling: records pile up on the broker, not in the worker. It holds at most
        // 20,000 pending rows and one batch; everything else produced during the stall is lag.
        let lags = statusLags(in: during.log)
        let piledUp = during.producedAtEnd - during.producedAtStart - 21_000
        #expect((lags.last ?? 0) >= piledUp / 2, "the worker's lag at the end of the stall was \(lags.suffix(5)), with \(during.producedAtEnd - during.producedAtStart) records produced during it")
        #expect(!during.log.contains("revoked"), "the worker lost its partitions during the stall:\n\(during.log.lines(containing: "revoked"))")
        #expect(!during.log.contains("database unavailable"), "a lock is a stall, not an outage:\n\(during.log.lines(containing: "database unavailable"))")

        let summary = try await production.finish()
        #expect(summary.deliveryErrors == 0)
        let stream = try await WorkerTestStream.score(
            WorkerTestStream.readAll(cluster: cluster, topic: "transactions", count: summary.transactions))
        let caughtUp = try await eventually(timeout: .seconds(120)) {
            if let resident = residentBytes(of: pid) { peak = max(peak, resident) }
            guard let offsets = try? await OffsetStore(schema: schema).nextOffsets(group: group, topic: "transactions", on: connection)
            else { return false }
            return offsets == stream.endOffsets
        }
        let catchUp = ContinuousClock.now - releasedAt
        #expect(caughtUp, "the worker did not catch up after the stall; its log:\n\(worker.log.suffix(3000))")
        let log = worker.log
        #expect(log.lines(containing: "partition assigned").count == partitions && !log.contains("revoked"),
                "the worker's group membership changed:\n\(log.lines(containing: "partition"))")
        print("""
            worker stall: table locked for \(seconds(stall)) while \(during.producedAtEnd - during.producedAtStart) records arrived; \
            RSS before \(mebibytes(baseline)), peak during the stall \(mebibytes(peakDuringStall)), peak overall \(mebibytes(peak)) \
            (bound \(mebibytes(Self.memoryBound))); lag at the end of the stall \(lags.last ?? -1); \
            \(summary.transactions) transactions written \(seconds(catchUp)) after the release
            """)
        #expect(peak < Self.memoryBound, "the worker's resident memory reached \(mebibytes(peak)), over the bound of \(mebibytes(Self.memoryBound))")

        let stopped = worker.terminate()
        #expect(stopped.status == 0, "exit status \(stopped.status); log:\n\(worker.log.suffix(3000))")
        try await stream.verify(schema: schema, group: group, topic: "transactions", on: connection)
    }

    @Test("when PostgreSQL stops mid-stream and comes back, the worker retries, logs the outage once rather than per message, and writes everything exactly once")
    func databaseRestart() async throws {
        let partitions = 4
        let rate = 3_000
        let group = "outage"
        let postgres = RestartablePostgres()
        do {
            let url = try await postgres.start()
            let cluster = try EmbeddedKafkaCluster()
            defer { cluster.shutdown() }
            try cluster.createTopic("transactions", partitions: partitions)
            let worker = try WorkerProcess(
                brokers: cluster.bootstrapServers, databaseURL: url, schema: "fraudstream", group: group,
                arguments: ["--labels-topic", "transactions_labels"])
            let connection = try await PostgresConnection.connect(PostgresConfiguration(url), logger: .quiet)
            defer { Task { await connection.close() } }
            let joined = try await eventually(timeout: .seconds(60)) { worker.log.lines(containing: "partition assigned").count >= partitions }
            try #require(joined, "the worker did not take its partitions; its log:\n\(worker.log.suffix(3000))")

            let production = try BackgroundProduction(
                cluster: cluster, topic: "transactions", partitions: partitions, count: rate * 10, rate: rate, seed: 47)
            let writing = try await eventually(timeout: .seconds(30)) {
                await writtenOffsets(schema: "fraudstream", group: group, topic: "transactions", on: connection) >= 3_000
            }
            try #require(writing, "the worker wrote too little before the outage; its log:\n\(worker.log.suffix(3000))")

            let producedBefore = production.produced
            try await postgres.stop()
            try await Task.sleep(for: .seconds(3))
            let producedDuring = production.produced - producedBefore
            try await postgres.startAgain()
            #expect(worker.process.isRunning, "the worker exited while PostgreSQL was away; its log:\n\(worker.log.suffix(3000))")

            let summary = try await production.finish()
            #expect(summary.deliveryErrors == 0)
            let stream = try await WorkerTestStream.score(
                WorkerTestStream.readAll(cluster: cluster, topic: "transactions", count: summary.transactions))
            let caughtUp = try await eventually(timeout: .seconds(120)) {
                guard let offsets = try? await OffsetStore(schema: "fraudstream").nextOffsets(group: group, topic: "transactions", on: connection)
                else { return false }
                return offsets == stream.endOffsets
            }
            #expect(caughtUp, "the worker did not resume after the outage; its log:\n\(worker.log.suffix(3000))")

            let log = worker.log
            // A short outage is absorbed either by a connection's own reconnect ("lost the
            // connection", "reconnected") or, when a write failed, by the worker's retry
            // ("database unavailable", "reachable again"); either way each is one line per change.
            let unavailable = log.lines(containing: "database unavailable").count + log.lines(containing: "lost the connection to PostgreSQL").count
            let back = log.lines(containing: "database reachable again").count + log.lines(containing: "reconnected to PostgreSQL").count
            print("""
                worker outage: PostgreSQL away for about 3 s while \(producedDuring) records arrived; the outage logged \(unavailable) times, \
                the recovery \(back) times; \(log.split(separator: "\n").count) log lines in all, those about the database:
                \(log.split(separator: "\n").filter { $0.contains("database") || $0.contains("connection") || $0.contains("PostgreSQL") }.joined(separator: "\n"))
                """)
            // One line per connection that noticed (the sink's, the outbox relay's, the labels
            // ingestor's, the control connection's), from each of the two layers at most: not one
            // per message or retry.
            #expect((1...8).contains(unavailable), "the outage was logged \(unavailable) times:\n\(log.lines(containing: "database").prefix(10))")
            #expect(back >= 1 && back <= unavailable, "the recovery was logged \(back) times")
            #expect(producedDuring >= 1_000, "too little load during the outage to tell per-message logging apart: \(producedDuring)")

            let stopped = worker.terminate()
            #expect(stopped.status == 0, "exit status \(stopped.status); log:\n\(worker.log.suffix(3000))")
            try await stream.verify(schema: "fraudstream", group: group, topic: "transactions", on: connection)
        } catch {
            await postgres.remove()
            throw error
        }
        await postgres.remove()
    }
}
