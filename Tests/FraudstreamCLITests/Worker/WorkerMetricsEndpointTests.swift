import Foundation
import FraudPipeline
import Generator
import Kafka
import Postgres
import TestSupport
import Testing

@Suite("fraudstream worker: /metrics, /healthz, /readyz and its worker_status row", .serialized)
struct WorkerMetricsEndpointTests {
    @Test("""
        counters move during a run and agree with the database after it; /readyz is 200 once partitions are assigned \
        and 503 naming the lag while the sink is blocked under a backlog; the status row lives while the worker runs \
        and is deleted at SIGTERM
        """)
    func metricsDuringARun() async throws {
        let partitions = 4
        let group = "metrics"
        let topic = "transactions"
        let readyMaxLag = 2_000
        let cluster = try EmbeddedKafkaCluster()
        defer { cluster.shutdown() }
        try cluster.createTopic(topic, partitions: partitions)
        let schema = TestDatabase.uniqueName("metrics")
        let worker = try WorkerProcess(
            brokers: cluster.bootstrapServers, databaseURL: try TestDatabase.url(), schema: schema, group: group,
            arguments: [
                "--labels-topic", "none", "--checkpoint-interval", "1s", "--batch-rows", "500", "--max-pending-rows", "1000",
                "--ready-max-lag", String(readyMaxLag),
            ])
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }

        let port = try await worker.httpPort()
        let base = "http://127.0.0.1:\(port)"
        let health = try await httpGet(base + "/healthz")
        #expect(health.status == 200 && health.body == "ok\n")

        // Ready once the group has given the worker its partitions (and nothing is behind).
        var readyz = try await httpGet(base + "/readyz")
        let ready = try await eventually(timeout: .seconds(60)) {
            readyz = try await httpGet(base + "/readyz")
            return readyz.status == 200
        }
        try #require(ready, "/readyz never answered 200: \(readyz.status) \(readyz.body); log:\n\(worker.log.suffix(3000))")
        #expect(readyz.contentType.hasPrefix("application/json") && readyz.body.contains("\"assignedPartitions\":\(partitions)"))

        // The status row appears with the worker's identity.
        let pid = worker.process.processIdentifier
        let rowAppeared = try await eventually(timeout: .seconds(15)) {
            let rows = try await connection.query(
                "SELECT assigned_partitions, consumer_group, pid FROM \(schema).worker_status WHERE pid = $1", [.int32(pid)])
            guard rows.count == 1 else { return false }
            return try rows[0][0, as: Int.self] == partitions && rows[0][1, as: String.self] == group
        }
        #expect(rowAppeared, "no worker_status row with \(partitions) partitions for pid \(pid)")

        // Paced load with a few broken messages: scrape while it is written.
        let production = try BackgroundProduction(cluster: cluster, topic: topic, partitions: partitions, count: 8_000, rate: 2_000, seed: 5)
        let producer = try KafkaProducer(configuration: DeadLetterSink.producerConfiguration(bootstrapServers: cluster.brokerAddresses))
        for index in 0..<3 {
            try await producer.send(KafkaProducerMessage(topic: topic, partition: Int32(index), key: Array("broken-\(index)".utf8), value: Array("not json \(index)".utf8)))
        }
        try await producer.close()
        var first = try await scrape(base)
        let writing = try await eventually(timeout: .seconds(30)) {
            first = try await scrape(base)
            return (first.value("fraudstream_transactions_written_total") ?? 0) > 0
        }
        try #require(writing, "written_total stayed 0; log:\n\(worker.log.suffix(3000))")
        try await Task.sleep(for: .seconds(1))
        let second = try await scrape(base)
        for name in ["fraudstream_transactions_consumed_total", "fraudstream_transactions_scored_total", "fraudstream_transactions_written_total"] {
            #expect((second.value(name) ?? 0) > (first.value(name) ?? 0), "\(name) did not move between scrapes during the run")
        }
        let firstSummary = try await production.finish()

        // Backlog behind a locked sink table: the lag passes --ready-max-lag and /readyz says so.
        let locker = try await TestDatabase.connect()
        defer { Task { await locker.close() } }
        let backlog = 12_000
        var blocked = try await httpGet(base + "/readyz")
        var lagged = try await scrape(base)
        try await locker.withTransaction { locker in
            try await locker.execute("LOCK TABLE \(schema).scored_transactions IN ACCESS EXCLUSIVE MODE")
            let options = try generatorOptions(cluster: cluster, topic: topic, partitions: partitions, count: backlog, seed: 6, rate: nil)
            let summary = try await GeneratorRun.run(options: options, logger: .quiet)
            #expect(summary.transactions == backlog)
            _ = try await eventually(timeout: .seconds(30)) {
                blocked = try await httpGet(base + "/readyz")
                return blocked.status == 503
            }
            lagged = try await scrape(base)
        }
        print("/readyz with \(backlog) records behind a locked table: \(blocked.status) \(blocked.body)", terminator: "")
        #expect(blocked.status == 503, "/readyz stayed \(blocked.status) with a backlog of \(backlog) behind a locked table: \(blocked.body)")
        #expect(blocked.body.contains("above --ready-max-lag \(readyMaxLag)"), "the 503 does not name the lag: \(blocked.body)")
        #expect(blocked.body.contains("\"databaseAvailable\":true"), "a blocked table is not an unavailable database: \(blocked.body)")
        let lagSum = lagged.all("fraudstream_consumer_lag").reduce(0) { $0 + $1.value }
        #expect(lagged.all("fraudstream_consumer_lag").count == partitions && lagSum > Double(readyMaxLag), "lag gauges: \(lagged.all("fraudstream_consumer_lag"))")

        // Released, the worker catches up and is ready again.
        let total = firstSummary.transactions + backlog
        var final = try await scrape(base)
        let caughtUp = try await eventually(timeout: .seconds(120)) {
            final = try await scrape(base)
            return final.value("fraudstream_transactions_written_total") == Double(total)
        }
        #expect(caughtUp, "written_total \(final.value("fraudstream_transactions_written_total") ?? -1) of \(total); log:\n\(worker.log.suffix(3000))")
        let readyAgain = try await eventually(timeout: .seconds(30)) { try await httpGet(base + "/readyz").status == 200 }
        #expect(readyAgain, "/readyz did not return to 200 after the backlog was written")

        // The counters agree with the tables.
        func count(_ sql: String) async throws -> Double {
            Double(try await connection.query(sql)[0][0, as: Int.self])
        }
        let rows = try await count("SELECT count(*) FROM \(schema).scored_transactions")
        let flagged = try await count("SELECT count(*) FROM \(schema).scored_transactions WHERE flagged")
        let rejected = try await count("SELECT count(*) FROM \(schema).rejected_transactions")
        #expect(final.value("fraudstream_transactions_written_total") == rows)
        #expect(final.value("fraudstream_transactions_flagged_total") == flagged && flagged > 0)
        #expect(final.value("fraudstream_messages_rejected_total") == rejected && rejected == 3)
        #expect(final.value("fraudstream_transactions_scored_total") == rows)
        #expect(final.value("fraudstream_sink_batch_rows_sum") == rows, "rows per write do not add up to the rows written")
        #expect(final.value("fraudstream_end_to_end_latency_seconds_count") == rows, "one latency observation per row written")
        #expect(final.value("fraudstream_scoring_latency_seconds_count") == rows, "one scoring-latency observation per row scored")
        // Scoring comes before the commit: its share of the latency cannot exceed the whole.
        #expect((final.value("fraudstream_scoring_latency_seconds_sum") ?? .infinity) <= (final.value("fraudstream_end_to_end_latency_seconds_sum") ?? 0))
        let writes = try #require(final.value("fraudstream_sink_batch_rows_count"), "no sink_batch_rows histogram")
        #expect(writes > 0 && writes <= rows)
        #expect(final.value("fraudstream_sink_write_duration_seconds_count") == writes, "one write-duration observation per write")
        #expect((final.value("fraudstream_checkpoints_total") ?? 0) > 0)
        #expect(final.all("fraudstream_checkpoint_age_seconds").count == partitions)
        #expect(final.value("fraudstream_assigned_partitions") == Double(partitions))
        #expect(final.value("fraudstream_database_available") == 1)
        #expect(final.all("fraudstream_model_info").count == 1 && final.all("fraudstream_model_info")[0].labels["version"]?.hasPrefix("default-") == true)

        // The status row caught up too, with its lag as a JSON object per partition.
        let rowCaughtUp = try await eventually(timeout: .seconds(15)) {
            let row = try await connection.query(
                "SELECT written, flagged, rejected, partition_lag::text, model_version FROM \(schema).worker_status WHERE pid = $1", [.int32(pid)])
            guard row.count == 1 else { return false }
            let written = try row[0][0, as: Int.self], flaggedRows = try row[0][1, as: Int.self]
            let rejectedRows = try row[0][2, as: Int.self], lag = try row[0][3, as: String.self]
            let version = try row[0][4, as: String.self]
            return Double(written) == rows && Double(flaggedRows) == flagged && Double(rejectedRows) == rejected
                && lag.contains("\"3\": 0") && version.hasPrefix("default-")
        }
        #expect(rowCaughtUp, "the worker_status row does not show the final counts")

        let stopped = worker.terminate()
        print("worker with its HTTP server stopped in \(stopped.seconds) s after SIGTERM")
        #expect(stopped.status == 0, "exit status \(stopped.status); log:\n\(worker.log.suffix(3000))")
        #expect(stopped.seconds < 10, "the worker took \(stopped.seconds) s to stop")
        let left = try await connection.query("SELECT count(*) FROM \(schema).worker_status")
        #expect(try left[0][0, as: Int.self] == 0, "the status row outlived a clean stop")
    }

    private func scrape(_ base: String) async throws -> PrometheusSamples {
        let response = try await httpGet(base + "/metrics")
        #expect(response.status == 200 && response.contentType.hasPrefix("text/plain; version=0.0.4"))
        return try PrometheusSamples(parsing: response.body)
    }
}
