import Foundation
import FraudPipeline
import Generator
import Kafka
import Postgres
import TestSupport
import Testing

/// The worker's exactly-once promise under SIGKILL, rebalances and SIGTERM, on one shared
/// stream of 200,000 transactions in 16 partitions (fraud, late events and broken messages),
/// each test with a consumer group and schema of its own.
///
/// Kill moments are random; the seed is printed and named in every failure, and
/// `FRAUDSTREAM_TEST_SEED=<seed>` repeats a run's choices (timing still varies).
@Suite("fraudstream worker recovery", .serialized, .sharedWorkerStream)
struct WorkerRecoveryTests {
    static let topic = SharedWorkerStream.topic

    @Test("SIGKILL at random moments, restarting each time: every valid transaction once, with the uninterrupted run's features and scores; every flagged row alerted at least once, and no alert for anything else")
    func crashes() async throws {
        let shared = try SharedWorkerStream.required()
        let stream = shared.stream
        var random = SeededRandom(label: "crashes")
        let context = random.context
        let total = stream.endOffsets.values.reduce(0, +)
        let schema = TestDatabase.uniqueName("crashes")
        let group = "crashes"
        // A topic of this test's own: the other tests' workers share the cluster.
        let alertsTopic = "fraud_alerts_crashes"
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }

        // Four kills: three once the committed records pass random thresholds (so the worker is
        // writing rows at that moment), one at a random moment just after the restarted worker
        // got its partitions (while it restores and replays).
        //
        // The checkpoint interval changes from run to run so that each way of taking a
        // partition over is used, however fast this machine processes a batch: the first and
        // fourth runs write no checkpoint (10 minutes), so the second run rebuilds the state
        // from the start of each partition, and the last run restores checkpoints that lie
        // behind the committed offsets and replays up to them; the other runs checkpoint every
        // second.
        enum Moment: CustomStringConvertible {
            case committed(Int64)
            case afterAssignment(Duration)
            var description: String {
                switch self {
                case .committed(let records): "after \(records) committed records"
                case .afterAssignment(let delay): "\(delay) after the partitions were assigned"
                }
            }
        }
        let fractions = [Double.random(in: 0.08...0.25, using: &random), .random(in: 0.40...0.60, using: &random), .random(in: 0.70...0.90, using: &random)]
        let runs: [(moment: Moment, checkpointInterval: String)] = [
            (.committed(Int64(Double(total) * fractions[0])), "10m"),
            (.afterAssignment(.milliseconds(Int.random(in: 0...1500, using: &random))), "1s"),
            (.committed(Int64(Double(total) * fractions[1])), "1s"),
            (.committed(Int64(Double(total) * fractions[2])), "10m"),
        ]
        print("crash test \(context): kills \(runs.map(\.moment))")

        var logs: [String] = []
        var progressAtKills: [Int64] = []
        for (moment, checkpointInterval) in runs {
            let progressAtStart = await committedRecords(schema: schema, group: group, on: connection)
            let worker = try WorkerProcess(
                brokers: shared.cluster.bootstrapServers, databaseURL: try TestDatabase.url(), schema: schema, group: group,
                arguments: ["--checkpoint-interval", checkpointInterval, "--alerts-topic", alertsTopic])
            let reached: Bool
            switch moment {
            case .committed(let threshold):
                reached = try await waitWhileRunning(worker, timeout: .seconds(180), context: context) {
                    await committedRecords(schema: schema, group: group, on: connection) >= threshold
                }
            case .afterAssignment(let delay):
                reached = try await waitWhileRunning(worker, timeout: .seconds(60), context: context) {
                    worker.log.contains("partition assigned")
                }
                if reached { try await Task.sleep(for: delay) }
            }
            #expect(reached, "the worker did not reach the kill moment (\(moment)) \(context); its log:\n\(worker.log.suffix(6000))")
            #expect(worker.process.isRunning, "the worker exited before its kill (\(moment)) \(context); its log:\n\(worker.log.suffix(6000))")
            worker.kill()
            let progress = await committedRecords(schema: schema, group: group, on: connection)
            progressAtKills.append(progress)
            logs.append(worker.log)
            guard reached else { return }
            if case .committed = moment {
                // The kill landed while this worker was writing, before the end of the stream.
                #expect(progress > progressAtStart && progress < total, "killed at \(progress) committed records, started at \(progressAtStart), of \(total) \(context)")
            }
        }
        print("crash test \(context): committed records at the kills \(progressAtKills) of \(total)")

        let last = try WorkerProcess(
            brokers: shared.cluster.bootstrapServers, databaseURL: try TestDatabase.url(), schema: schema, group: group,
            arguments: ["--checkpoint-interval", "1s", "--alerts-topic", alertsTopic])
        let finished = try await waitWhileRunning(last, timeout: .seconds(240), context: context) {
            await committedOffsets(schema: schema, group: group, on: connection) == stream.endOffsets
        }
        #expect(finished, "the last worker did not reach the end of the partitions \(context); its log:\n\(last.log.suffix(6000))")
        let stopped = last.terminate()
        #expect(stopped.status == 0, "exit status \(stopped.status) \(context); log:\n\(last.log.suffix(6000))")
        logs.append(last.log)

        try await stream.verify(schema: schema, group: group, topic: Self.topic, on: connection, context: context)

        // Alerts are sent at least once: after each kill, the outbox rows committed with the
        // flagged rows are sent by the next worker. A resend is allowed; a miss is not.
        let flagged = Set(try await connection.query("SELECT transaction_id FROM \(schema).scored_transactions WHERE flagged").map { try $0[0, as: String.self] })
        #expect(!flagged.isEmpty, "nothing flagged \(context): the alert check would mean nothing")
        let alerts = try await readTopic(cluster: shared.cluster, topic: alertsTopic, expected: flagged.count)
        let alerted = alerts.compactMap { alert -> String? in
            let object = try? JSONSerialization.jsonObject(with: Data(alert.value)) as? [String: Any]
            return (object?["transaction"] as? [String: Any])?["id"] as? String
        }
        #expect(alerted.count == alerts.count, "alerts that are not the documented JSON \(context)")
        let missing = flagged.subtracting(alerted)
        #expect(missing.isEmpty, "\(missing.count) of \(flagged.count) flagged rows were never alerted \(context): \(missing.prefix(5))")
        #expect(Set(alerted).isSubset(of: flagged), "alerts for rows that are not flagged \(context): \(Set(alerted).subtracting(flagged).prefix(5))")
        #expect(try await connection.query("SELECT count(*) FROM \(schema).outbox")[0][0, as: Int.self] == 0, "alerts left in the outbox after a clean stop \(context)")

        // Each way of taking a partition over was used: rebuilding the state from the start of
        // the partition up to its committed offset (after the first run), restoring a
        // checkpoint, and restoring a checkpoint behind the committed offset and replaying
        // from there (after the fourth run). Replayed records' outputs were dropped, and
        // verify shows the features still match.
        let rebuilt = logs.dropFirst().flatMap { LogLines.assignedWithoutCheckpoint(in: $0) }.filter { $0.committed > 0 }
        let restored = logs.dropFirst().flatMap { LogLines.restoredCheckpoints(in: $0) }
        let replays = LogLines.restoredCheckpoints(in: logs.last!).filter { $0.offset > 0 && $0.offset < $0.committed }
        print("crash test \(context): \(rebuilt.count) partitions rebuilt from their start, \(restored.count) restored from checkpoints, \(replays.count) at the end replaying \(replays.reduce(0) { $0 + $1.committed - $1.offset }) records after their checkpoints")
        #expect(!rebuilt.isEmpty, "no restarted worker rebuilt a partition's state from its start up to a committed offset \(context)")
        #expect(restored.contains { $0.offset > 0 }, "no restarted worker restored a checkpoint past offset 0 \(context)")
        #expect(!replays.isEmpty, "the last worker restored no checkpoint behind its partition's committed offset \(context); restores: \(LogLines.restoredCheckpoints(in: logs.last!).map { "\($0.partition)@\($0.offset)/\($0.committed)" })")
    }

    @Test("two workers share the partitions; one is killed; the other takes its partitions over from their checkpoints, exactly once")
    func rebalance() async throws {
        let shared = try SharedWorkerStream.required()
        let stream = shared.stream
        var random = SeededRandom(label: "rebalance")
        let context = random.context
        let total = stream.endOffsets.values.reduce(0, +)
        let schema = TestDatabase.uniqueName("rebalance")
        let group = "rebalance"
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }

        let workers = try (0..<2).map { _ in
            try WorkerProcess(
                brokers: shared.cluster.bootstrapServers, databaseURL: try TestDatabase.url(), schema: schema, group: group,
                arguments: ["--checkpoint-interval", "1s"])
        }
        let victimIndex = Int.random(in: 0...1, using: &random)
        let victim = workers[victimIndex], survivor = workers[1 - victimIndex]
        let killAt = Int64(Double(total) * Double.random(in: 0.25...0.55, using: &random))
        print("rebalance test \(context): killing worker \(victimIndex) after \(killAt) of \(total) committed records")

        // Both own partitions, together all of them, and the victim has written past where it
        // took its partitions over.
        var victimPartitions: [Int32: Int64] = [:]
        let sharing = try await eventually(timeout: .seconds(180)) {
            guard workers.allSatisfy({ $0.process.isRunning }) else { return true }
            guard let victimOwns = LogLines.currentAssignment(in: victim.log, topic: Self.topic),
                  let survivorOwns = LogLines.currentAssignment(in: survivor.log, topic: Self.topic),
                  !victimOwns.isEmpty, !survivorOwns.isEmpty,
                  Set(victimOwns.keys).isDisjoint(with: survivorOwns.keys),
                  victimOwns.count + survivorOwns.count == SharedWorkerStream.partitions
            else { return false }
            let offsets = await committedOffsets(schema: schema, group: group, on: connection)
            guard offsets.values.reduce(0, +) >= killAt,
                  victimOwns.contains(where: { offsets[$0.key, default: 0] > $0.value })
            else { return false }
            victimPartitions = victimOwns
            return true
        }
        let bothRunning = workers.allSatisfy { $0.process.isRunning }
        #expect(bothRunning, "a worker exited \(context); logs:\n\(victim.log.suffix(2000))\n---\n\(survivor.log.suffix(2000))")
        #expect(sharing, "the workers did not come to share the partitions with progress \(context); logs:\n\(victim.log.suffix(2000))\n---\n\(survivor.log.suffix(2000))")
        guard sharing, bothRunning else { return }
        let survivorLogAtKill = survivor.log.utf8.count
        victim.kill()
        let progressAtKill = await committedRecords(schema: schema, group: group, on: connection)
        print("rebalance test \(context): victim owned partitions \(victimPartitions.keys.sorted()); \(progressAtKill) of \(total) committed at the kill")
        #expect(progressAtKill < total, "the kill came after the end of the stream \(context)")

        let finished = try await waitWhileRunning(survivor, timeout: .seconds(240), context: context) {
            await committedOffsets(schema: schema, group: group, on: connection) == stream.endOffsets
        }
        #expect(finished, "the survivor did not reach the end of the partitions \(context); its log:\n\(survivor.log.suffix(6000))")
        let stopped = survivor.terminate()
        #expect(stopped.status == 0, "exit status \(stopped.status) \(context); log:\n\(survivor.log.suffix(6000))")
        try await stream.verify(schema: schema, group: group, topic: Self.topic, on: connection, context: context)

        // The survivor took the victim's partitions over from checkpoints the victim wrote: past
        // the offsets the victim started them at.
        let afterKill = String(survivor.log.utf8.dropFirst(survivorLogAtKill)) ?? ""
        let restored = LogLines.restoredCheckpoints(in: afterKill).filter { victimPartitions[$0.partition] != nil }
        print("rebalance test \(context): survivor restored victim partitions \(restored.map { "\($0.partition)@\($0.offset)" })")
        #expect(Set(restored.map(\.partition)) == Set(victimPartitions.keys), "the survivor restored victim partitions \(restored.map(\.partition).sorted()) from checkpoints; the victim owned \(victimPartitions.keys.sorted()) \(context)")
        #expect(restored.contains { $0.offset > victimPartitions[$0.partition]! }, "no victim partition was restored from a checkpoint the victim wrote \(context); survivor log after the kill:\n\(afterKill.suffix(3000))")
    }

    /// The drain timeout the workers run with; a stop that drained everything ends within it.
    static let drainTimeout = 15.0

    @Test("SIGTERM under load exits 0 within the drain timeout, with everything consumed so far written and checkpointed; a restart goes on from there")
    func gracefulStop() async throws {
        let shared = try SharedWorkerStream.required()
        let stream = shared.stream
        var random = SeededRandom(label: "sigterm")
        let context = random.context
        let total = stream.endOffsets.values.reduce(0, +)
        let schema = TestDatabase.uniqueName("sigterm")
        let group = "sigterm"
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }

        // Two workers one after the other, each stopped with SIGTERM under load; the second
        // starts from what the first committed at its stop. The default checkpoint interval
        // (5 s): the checkpoints checked are the ones written at the stops.
        var committedAtStops: [[Int32: Int64]] = []
        var previous = [Int32: Int64]()
        for (index, share) in [Double.random(in: 0.2...0.4, using: &random), .random(in: 0.15...0.3, using: &random)].enumerated() {
            let stopAt = previous.values.reduce(0, +) + Int64(Double(total) * share)
            let worker = try WorkerProcess(
                brokers: shared.cluster.bootstrapServers, databaseURL: try TestDatabase.url(), schema: schema, group: group,
                arguments: ["--drain-timeout", "\(Int(Self.drainTimeout))s"])
            let loaded = try await waitWhileRunning(worker, timeout: .seconds(180), context: context) {
                await committedRecords(schema: schema, group: group, on: connection) >= stopAt
            }
            #expect(loaded, "worker \(index) did not reach \(stopAt) committed records \(context); its log:\n\(worker.log.suffix(6000))")
            guard loaded else { return }
            let stopped = worker.terminate()
            let offsets = await committedOffsets(schema: schema, group: group, on: connection)
            let committed = offsets.values.reduce(0, +)
            print("sigterm test \(context): worker \(index) got SIGTERM after \(stopAt) committed records; exit status \(stopped.status) after \(stopped.seconds) s; \(committed) of \(total) records committed")
            #expect(stopped.status == 0, "worker \(index): exit status \(stopped.status) \(context); log:\n\(worker.log.suffix(6000))")
            #expect(stopped.seconds < Self.drainTimeout, "worker \(index) took \(stopped.seconds) s to stop, beyond its drain timeout \(context); log:\n\(worker.log.suffix(6000))")
            #expect(committed < total, "the stop came after the end of the stream: nothing was in flight \(context)")
            #expect(worker.log.contains("stopping: draining partitions"), "worker \(index) did not log its graceful stop \(context)")

            // Everything consumed was drained: the stored outputs are exactly offsets 0..<next
            // of each partition, as the uninterrupted run computed them, and each partition's
            // final checkpoint is at its committed offset.
            try await stream.verifyCommitted(upTo: offsets, schema: schema, topic: Self.topic, on: connection, context: context)
            let checkpoints = try await connection.query(
                "SELECT kafka_partition, state_offset FROM \(schema).partition_checkpoints WHERE consumer_group = $1", [.text(group)])
            var stateOffsets: [Int32: Int64] = [:]
            for row in checkpoints { stateOffsets[try row[0, as: Int32.self]] = try row[1, as: Int64.self] }
            #expect(stateOffsets == offsets, "worker \(index): checkpoints \(stateOffsets.sorted { $0.key < $1.key }), committed offsets \(offsets.sorted { $0.key < $1.key }) \(context)")

            // The second worker took every partition over from the first one's final
            // checkpoints, with nothing to replay (the rows it added matched the reference above).
            if index == 1 {
                let restored = LogLines.restoredCheckpoints(in: worker.log)
                #expect(Set(restored.map(\.partition)).count == SharedWorkerStream.partitions && restored.allSatisfy { $0.offset == previous[$0.partition] && $0.committed == $0.offset },
                        "the second worker restored \(restored.map { "\($0.partition)@\($0.offset)" }); committed at the first stop \(previous.sorted { $0.key < $1.key }) \(context)")
            }
            committedAtStops.append(offsets)
            previous = offsets
        }
        #expect(committedAtStops.count == 2 && committedAtStops[1].values.reduce(0, +) > committedAtStops[0].values.reduce(0, +),
                "the second worker committed nothing \(context)")
    }
}

/// The sum of the committed next offsets of `group`: records written, rejects included (0
/// before the worker has migrated the schema).
private func committedRecords(schema: String, group: String, on connection: PostgresConnection) async -> Int64 {
    await committedOffsets(schema: schema, group: group, on: connection).values.reduce(0, +)
}

/// The committed next offsets of `group`, or none before the worker has migrated the schema.
private func committedOffsets(schema: String, group: String, on connection: PostgresConnection) async -> [Int32: Int64] {
    (try? await OffsetStore(schema: schema).nextOffsets(group: group, topic: SharedWorkerStream.topic, on: connection)) ?? [:]
}

/// Polls `condition` like ``eventually(timeout:every:_:)``, but gives up at once, recording
/// an issue with the log, when the worker exits.
private func waitWhileRunning(
    _ worker: WorkerProcess, timeout: Duration, context: String, _ condition: () async throws -> Bool
) async throws -> Bool {
    var exited = false
    let held = try await eventually(timeout: timeout) {
        if try await condition() { return true }
        exited = !worker.process.isRunning
        return exited
    }
    if exited {
        Issue.record("the worker exited with status \(worker.process.terminationStatus) on its own \(context); its log:\n\(worker.log.suffix(6000))")
        return false
    }
    return held
}

/// A seeded generator for the tests' random choices: `FRAUDSTREAM_TEST_SEED` or a fresh seed.
struct SeededRandom: RandomNumberGenerator {
    let seed: UInt64
    private var generator: Xoshiro256StarStar

    init(label: String) {
        seed = ProcessInfo.processInfo.environment["FRAUDSTREAM_TEST_SEED"].flatMap(UInt64.init) ?? .random(in: 0...UInt64.max)
        var mixed = seed ^ UInt64(truncatingIfNeeded: label.utf8.reduce(5381) { $0 &* 33 &+ Int($1) })
        generator = Xoshiro256StarStar(seed: Xoshiro256StarStar.splitMix64(&mixed))
    }

    /// Names the seed in failure messages.
    var context: String { "(seed \(seed); repeat with FRAUDSTREAM_TEST_SEED=\(seed))" }

    mutating func next() -> UInt64 { generator.next() }
}

/// What the worker's log says about partitions.
enum LogLines {
    /// The partitions restored from a checkpoint, with the checkpoint's offset and the
    /// partition's committed offset, in log order.
    static func restoredCheckpoints(in log: String) -> [(partition: Int32, offset: Int64, committed: Int64)] {
        log.split(separator: "\n").filter { $0.contains("state restored from its checkpoint") }.compactMap { line in
            guard let partition = value(of: "partition", in: line).flatMap({ Int32($0) }),
                  let offset = value(of: "checkpointOffset", in: line).flatMap({ Int64($0) }),
                  let committed = value(of: "committedOffset", in: line).flatMap({ Int64($0) })
            else { return nil }
            return (partition, offset, committed)
        }
    }

    /// The partitions assigned without a checkpoint, with their committed offsets, in log order.
    static func assignedWithoutCheckpoint(in log: String) -> [(partition: Int32, committed: Int64)] {
        log.split(separator: "\n").filter { $0.contains("partition assigned; no checkpoint") }.compactMap { line in
            guard let partition = value(of: "partition", in: line).flatMap({ Int32($0) }),
                  let committed = value(of: "committedOffset", in: line).flatMap({ Int64($0) })
            else { return nil }
            return (partition, committed)
        }
    }

    /// The partitions of `topic` the consumer holds after the last rebalance in `log`, with
    /// their start offsets; `nil` while a rebalance is under way (revoked, not yet assigned).
    static func currentAssignment(in log: String, topic: String) -> [Int32: Int64]? {
        let prefix = " \(topic)["
        let lines = log.split(separator: "\n").filter { $0.contains("partitions assigned") || $0.contains("partitions revoked") }
            .filter { $0.contains(prefix) || $0.contains("=\(topic)[") }
        guard let last = lines.last, last.contains("partitions assigned") else { return nil }
        var assigned: [Int32: Int64] = [:]
        for token in last.split(separator: " ") {
            let entry = token.hasPrefix("partitions=") ? token.dropFirst("partitions=".count) : token
            guard entry.hasPrefix("\(topic)["), let close = entry.firstIndex(of: "]"),
                  let partition = Int32(entry[entry.index(entry.startIndex, offsetBy: topic.count + 1)..<close])
            else { continue }
            let offset = entry[close...].split(separator: "@").last.flatMap { Int64($0) } ?? 0
            assigned[partition] = offset
        }
        return assigned
    }

    /// The value of a `key=value` metadata field of a log line.
    private static func value(of key: String, in line: Substring) -> Substring? {
        line.split(separator: " ").first { $0.hasPrefix("\(key)=") }?.dropFirst(key.count + 1)
    }
}
