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
    /// --max-pending-rows processed rows, 1 MiB of records per partition and librdkafka's
    /// prefetch queue (8 MiB). Measured in a debug build with the defaults: about 50 MiB before
    /// the stall, 63 MiB at its end, 76 MiB while catching up. The lag check below is what shows
    /// that it stops pulling; this bound catches a leak or a buffer that grows with the backlog.
    static let memoryBound = 160 << 20

    /// The stall test's sink settings, smaller than the defaults so that what the worker may
    /// take in during the stall is small against what arrives.
    static let maxPendingRows = 4_000
    static let batchRows = 2_000
    /// `WorkerConfiguration.maxRecordsPerBatch`: the most records the consumer hands over at once.
    static let recordsPerBatch = 1_024

    /// The most records a worker whose sink cannot write may take from the consumer: the
    /// write in flight (`--batch-rows`), the sink's queue (`--max-pending-rows`, which a push
    /// may overshoot by one batch), the batch the processing stage holds while it waits to push,
    /// and the one the merge of Kafka and control events holds for it. Everything else produced
    /// meanwhile stays behind the consumer's position, as lag.
    static var recordsTakenDuringStall: Int { batchRows + maxPendingRows + 3 * recordsPerBatch }

    @Test("with the sink table locked for 10 s under load, the worker takes no more records than its sink settings hold (the rest is lag), keeps its partitions, stays within its memory bound, and writes everything exactly once after the lock is released")
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
            arguments: [
                "--status-interval", "1s", "--labels-topic", "none",
                "--max-pending-rows", "\(Self.maxPendingRows)", "--batch-rows", "\(Self.batchRows)",
            ])
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
            /// The sum of `fraudstream_consumer_lag` scraped just after `producedAtEnd` was read.
            var lagAtEnd: Double
            var log: String
        }
        let metricsURL = "http://127.0.0.1:\(try await worker.httpPort())/metrics"
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
            let producedAtEnd = production.produced
            let metrics = try PrometheusSamples(parsing: try await httpGet(metricsURL).body)
            return DuringStall(
                writtenAtStart: writtenAtStart,
                writtenAtEnd: await writtenOffsets(schema: schema, group: group, topic: "transactions", on: connection),
                producedAtStart: producedAtStart, producedAtEnd: producedAtEnd,
                lagAtEnd: metrics.all("fraudstream_consumer_lag").reduce(0) { $0 + $1.value }, log: worker.log)
        }

        #expect(during.writtenAtEnd == during.writtenAtStart, "the worker wrote while the table was locked: the lock did not stall it")
        #expect(during.producedAtEnd - during.producedAtStart >= rate * 5, "too little load during the stall to mean anything: \(during.producedAtEnd - during.producedAtStart) records")
        // Stopped pulling: the worker's position moves by at most what its sink settings let it
        // take, so the lag at the end of the stall is at least what arrived during it, less that,
        // less what arrived since the paused partitions' log ends were last read (once a second,
        // plus the read itself: 1.5 s of production).
        let arrived = during.producedAtEnd - during.producedAtStart
        let minimumLag = arrived - Self.recordsTakenDuringStall - rate * 3 / 2
        #expect(minimumLag >= arrived / 2, "the settings would let the worker take too much of the \(arrived) records for the check to mean anything")
        #expect(during.lagAtEnd >= Double(minimumLag), "the worker's lag at the end of the stall was \(during.lagAtEnd), at least \(minimumLag) expected with \(arrived) records produced during it")
        print("stall: \(arrived) records arrived, lag at the end \(Int(during.lagAtEnd)), bound \(minimumLag)")
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
        #expect(caughtUp, "the worker did not catch up after the stall; its log:\n\(worker.log.suffix(3000))")
        let log = worker.log
        #expect(log.lines(containing: "partition assigned").count == partitions && !log.contains("revoked"),
                "the worker's group membership changed:\n\(log.lines(containing: "partition"))")
        #expect(peak < Self.memoryBound, "the worker's resident memory reached \(mebibytes(peak)), over the bound of \(mebibytes(Self.memoryBound))")

        let stopped = worker.terminate()
        #expect(stopped.status == 0, "exit status \(stopped.status); log:\n\(worker.log.suffix(3000))")
        try await stream.verify(schema: schema, group: group, topic: "transactions", on: connection)
    }

    @Test("when PostgreSQL stops mid-stream and comes back, the worker retries (a failed write or reconnection attempt is seen), logs the outage once per connection rather than per message, and writes everything exactly once")
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
                // At debug level each failed reconnection attempt is logged.
                arguments: ["--labels-topic", "transactions_labels", "--log-level", "debug"])
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
            // Retries seen: writes the sink had to repeat (its counter), or reconnection
            // attempts that failed while the server was away.
            let metrics = try PrometheusSamples(parsing: try await httpGet("http://127.0.0.1:\(try await worker.httpPort())/metrics").body)
            let sinkRetries = try #require(metrics.value("fraudstream_sink_retries_total"))
            let failedReconnections = log.lines(containing: "reconnection attempt failed").count
            #expect(sinkRetries + Double(failedReconnections) >= 1, "no retry observed: \(log.lines(containing: "PostgreSQL").prefix(10))")
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
