import Foundation
import FraudCore
import FraudPipeline
import Generator
import Kafka
import Postgres
import TestSupport
import Testing

@Suite("fraudstream worker on poison input", .serialized)
struct WorkerPoisonInputTests {
    /// A transaction the decoder accepts, to break in every way.
    static let valid = #"{"id":"poison-base","timestamp":"2026-01-01T10:00:00.500Z","type":"PAYMENT","amount":12.5,"account_from":"C1","old_balance_from":100.0,"new_balance_from":87.5,"account_to":"M2","old_balance_to":0.0,"new_balance_to":12.5}"#

    /// Messages the worker must reject, each with what is wrong with it: hand-written cases of
    /// every kind, then seeded random truncations, invalid bytes and garbage (each of which can
    /// never be a valid transaction).
    static func poison() -> [(what: String, bytes: [UInt8])] {
        func replacing(_ old: String, _ new: String) -> [UInt8] { Array(valid.replacingOccurrences(of: old, with: new).utf8) }
        let base = Array(valid.utf8)
        var cases: [(String, [UInt8])] = [
            ("truncated JSON", Array(base.prefix(60))),
            ("truncated inside a string", Array(base.prefix(12))),
            ("empty message", []),
            ("amount as a string", replacing(#""amount":12.5"#, #""amount":"12.5""#)),
            ("id as a number", replacing(#""id":"poison-base""#, #""id":42"#)),
            ("type as an array", replacing(#""type":"PAYMENT""#, #""type":["PAYMENT"]"#)),
            ("timestamp as an object", replacing(#""timestamp":"2026-01-01T10:00:00.500Z""#, #""timestamp":{"ms":1}"#)),
            ("an array at the top", Array("[1,2,3]".utf8)),
            ("null at the top", Array("null".utf8)),
            ("amount 1e999", replacing(#""amount":12.5"#, #""amount":1e999"#)),
            ("a 400-digit balance", replacing(#""old_balance_to":0.0"#, "\"old_balance_to\":1" + String(repeating: "0", count: 400))),
            ("a 20-digit timestamp", replacing(#""timestamp":"2026-01-01T10:00:00.500Z""#, #""timestamp":99999999999999999999"#)),
            ("year 10000", replacing("2026-01-01T10:00:00.500Z", "10000-01-01T10:00:00.500Z")),
            ("NaN amount", replacing(#""amount":12.5"#, #""amount":NaN"#)),
            ("negative amount", replacing(#""amount":12.5"#, #""amount":-0.01"#)),
            ("unknown type", replacing("PAYMENT", "REFUND")),
            ("empty account", replacing(#""account_from":"C1""#, #""account_from":"""#)),
            ("missing field", replacing(#","account_to":"M2""#, "")),
            ("duplicate field", replacing(#""amount":12.5"#, #""amount":12.5,"amount":13"#)),
            ("invalid UTF-8 in a string", Array(#"{"id":""#.utf8) + [0xFF, 0xFE] + Array(valid.utf8.dropFirst(18))),
            ("invalid UTF-8 alone", [0xC3, 0x28, 0xA0, 0xA1]),
            ("overlong UTF-8", Array(#"{"id":"a"#.utf8) + [0xC0, 0xAF] + Array(valid.utf8.dropFirst(18))),
            ("a lone surrogate escape", replacing("poison-base", #"\ud800"#)),
            ("a raw control character", replacing("poison-base", "poison\u{01}base")),
            ("a byte-order mark", [0xEF, 0xBB, 0xBF] + base),
            ("trailing data", base + Array("x".utf8)),
            ("two objects", base + base),
            ("nested 100 deep", Array((#"{"extra":"# + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "," + valid.dropFirst()).utf8)),
            ("NUL bytes", [UInt8](repeating: 0, count: 100)),
            ("70 KB, just over the limit", Array((#"{"padding":""# + String(repeating: "x", count: 70_000) + "\"," + valid.dropFirst()).utf8)),
            ("2 MB", Array((#"{"padding":""# + String(repeating: "y", count: 2 << 20) + "\"," + valid.dropFirst()).utf8)),
        ]
        var random = SplitMix(seed: 2026)
        for index in 0..<15 {
            cases.append(("random truncation \(index)", Array(base.prefix(Int(random.next() % UInt64(base.count - 1))))))
        }
        for index in 0..<15 {
            var bytes = base
            bytes.insert([0xFF, 0x80, 0xC0, 0xF8][Int(random.next() % 4)], at: Int(random.next() % UInt64(base.count)))
            cases.append(("random invalid byte \(index)", bytes))
        }
        for index in 0..<10 {
            let count = 1 + Int(random.next() % 300)
            cases.append(("random bytes \(index)", (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }))
        }
        return cases
    }

    @Test("broken messages go to the dead-letter topic and table with their reasons, valid ones around them are scored, flagged ones are alerted, and labels reach the labels table")
    func poisonInput() async throws {
        let partitions = 4
        let cluster = try EmbeddedKafkaCluster()
        defer { cluster.shutdown() }
        try cluster.createTopic("transactions", partitions: partitions)
        let poison = Self.poison()

        // Valid transactions, the poison spread over the partitions, more valid transactions.
        let first = try await GeneratorRun.run(options: generatorOptions(
            cluster: cluster, topic: "transactions", partitions: partitions, count: 4_000, seed: 5, rate: nil), logger: .quiet)
        let producer = try KafkaProducer(configuration: DeadLetterSink.producerConfiguration(bootstrapServers: cluster.brokerAddresses))
        for (index, message) in poison.enumerated() {
            do {
                _ = try await producer.send(KafkaProducerMessage(
                    topic: "transactions", partition: Int32(index % partitions), key: Array("poison-\(index)".utf8), value: message.bytes))
            } catch {
                Issue.record("could not produce the poison message \"\(message.what)\" (\(message.bytes.count) bytes): \(error)")
            }
        }
        try await producer.close()
        let second = try await GeneratorRun.run(options: generatorOptions(
            cluster: cluster, topic: "transactions", partitions: partitions, count: 4_000, seed: 6, rate: nil), logger: .quiet)
        let stream = try await WorkerTestStream.score(WorkerTestStream.readAll(
            cluster: cluster, topic: "transactions", count: first.transactions + poison.count + second.transactions))

        // The reference agrees that every poison message, and nothing else, is broken.
        var poisonAt: [WorkerTestStream.Location: String] = [:]
        for (partition, records) in stream.records {
            for record in records {
                guard let key = record.key, let name = String(validating: key, as: UTF8.self), name.hasPrefix("poison-"),
                      let index = Int(name.dropFirst(7))
                else { continue }
                poisonAt[WorkerTestStream.Location(partition: partition, offset: record.offset)] = poison[index].what
            }
        }
        #expect(poisonAt.count == poison.count)
        let accepted = poisonAt.filter { !stream.rejected.contains($0.key) }.map(\.value)
        #expect(accepted.isEmpty, "the decoder accepted poison messages: \(accepted)")
        #expect(stream.rejected == Set(poisonAt.keys), "rejected messages that are not poison: \(stream.rejected.subtracting(poisonAt.keys))")

        let schema = TestDatabase.uniqueName("poison")
        let worker = try WorkerProcess(
            brokers: cluster.bootstrapServers, databaseURL: try TestDatabase.url(), schema: schema, group: "poison",
            arguments: ["--labels-topic", "transactions_labels"])
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        let done = try await eventually(timeout: .seconds(120)) {
            guard let offsets = try? await OffsetStore(schema: schema).nextOffsets(group: "poison", topic: "transactions", on: connection)
            else { return false }
            return offsets == stream.endOffsets
        }
        #expect(done, "the worker did not get past the poison; its log:\n\(worker.log.suffix(3000))")
        #expect(worker.process.isRunning, "the worker exited; its log:\n\(worker.log.suffix(3000))")
        try await stream.verify(schema: schema, group: "poison", topic: "transactions", on: connection)

        // The table keeps each reject's reason and original bytes.
        let rejects = try await connection.query(
            "SELECT kafka_partition, kafka_offset, reason_code, reason, payload FROM \(schema).rejected_transactions WHERE topic = 'transactions'")
        var stored: [WorkerTestStream.Location: (code: String, reason: String)] = [:]
        for row in rejects {
            let location = WorkerTestStream.Location(partition: try row[0, as: Int32.self], offset: try row[1, as: Int64.self])
            stored[location] = (try row[2, as: String.self], try row[3, as: String.self])
            let original = stream.records[location.partition]?.first { $0.offset == location.offset }?.value
            #expect(try row[4, as: [UInt8].self] == original, "rejected_transactions holds other bytes than \(poisonAt[location] ?? "\(location)")")
        }
        let tooLarge = poisonAt.filter { $0.value == "2 MB" || $0.value.hasPrefix("70 KB") }.map(\.key)
        for location in tooLarge {
            #expect(stored[location]?.code == "message_too_large", "\(poisonAt[location]!): \(String(describing: stored[location]))")
        }
        let codes = Set(stored.values.map(\.code))
        for code in ["malformed_json", "wrong_type", "invalid_utf8", "non_finite_number", "not_an_object", "message_too_large", "invalid_timestamp"] {
            #expect(codes.contains(code), "no reject with reason code \(code); codes: \(codes.sorted())")
        }

        // The dead-letter topic has each reject once, as the original record with its reason
        // and source in headers.
        let flaggedRows = try await connection.query("SELECT transaction_id, score, account_from FROM \(schema).scored_transactions WHERE flagged")
        // The three topics are read at once: each reader waits out a group join.
        async let letterRecords = readTopic(cluster: cluster, topic: "transactions.dead_letters", expected: poison.count)
        async let alertRecords = readTopic(cluster: cluster, topic: "fraud_alerts", expected: flaggedRows.count)
        async let labelRecordsRead = readTopic(cluster: cluster, topic: "transactions_labels", expected: first.labels + second.labels)
        let (letters, alerts, labelRecords) = try await (letterRecords, alertRecords, labelRecordsRead)
        #expect(letters.count == poison.count, "\(letters.count) dead letters for \(poison.count) poison messages")
        var lettered: Set<WorkerTestStream.Location> = []
        for letter in letters {
            func header(_ name: String) -> String? {
                letter.headers.first { $0.key == name }?.value.flatMap { String(validating: $0, as: UTF8.self) }
            }
            guard let partition = header(DeadLetterSink.Header.sourcePartition).flatMap(Int32.init),
                  let offset = header(DeadLetterSink.Header.sourceOffset).flatMap(Int64.init)
            else {
                Issue.record("a dead letter without its source partition and offset: \(letter.headers.map(\.key))")
                continue
            }
            let location = WorkerTestStream.Location(partition: partition, offset: offset)
            lettered.insert(location)
            let what = poisonAt[location] ?? "\(location)"
            #expect(header(DeadLetterSink.Header.sourceTopic) == "transactions", "\(what)")
            #expect(header(DeadLetterSink.Header.reasonCode) == stored[location]?.code, "\(what): reason code \(String(describing: header(DeadLetterSink.Header.reasonCode)))")
            #expect(header(DeadLetterSink.Header.reason) == stored[location]?.reason && !(header(DeadLetterSink.Header.reason) ?? "").isEmpty, "\(what)")
            let original = stream.records[partition]?.first { $0.offset == offset }
            #expect(letter.value == original?.value, "\(what): the dead letter's value is not the original bytes (\(letter.value.count) bytes)")
            #expect(letter.key == original?.key, "\(what): the dead letter lost the original key")
        }
        #expect(lettered == Set(poisonAt.keys), "dead letters missing for \(Set(poisonAt.keys).subtracting(lettered).map { poisonAt[$0]! })")

        // Flagged rows are alerted once each, with their score.
        var flagged: [String: (score: Double, account: String)] = [:]
        for row in flaggedRows {
            flagged[try row[0, as: String.self]] = (try row[1, as: Double.self], try row[2, as: String.self])
        }
        #expect(!flagged.isEmpty, "nothing was flagged: the alert check means nothing")
        #expect(alerts.count == flagged.count, "\(alerts.count) alerts for \(flagged.count) flagged rows")
        var alerted: Set<String> = []
        for alert in alerts {
            guard let object = try? JSONSerialization.jsonObject(with: Data(alert.value)) as? [String: Any],
                  let transaction = object["transaction"] as? [String: Any], let id = transaction["id"] as? String,
                  let score = (object["score"] as? NSNumber)?.doubleValue
            else {
                Issue.record("an alert that is not the documented JSON: \(String(decoding: alert.value.prefix(200), as: UTF8.self))")
                continue
            }
            alerted.insert(id)
            guard let want = flagged[id] else {
                Issue.record("an alert for \(id), which is not flagged in the table")
                continue
            }
            #expect(abs(score - want.score) <= 1e-12 * max(1, abs(want.score)), "\(id): alert score \(score), table \(want.score)")
            #expect(alert.key == Array(want.account.utf8), "\(id): the alert is not keyed by account_from")
        }
        #expect(alerted == Set(flagged.keys), "flagged rows without an alert: \(Set(flagged.keys).subtracting(alerted).prefix(5))")

        // Labels reach the labels table, the latest per transaction.
        var latest: [String: Label] = [:]
        for record in labelRecords {
            let label = try LabelDecoder().decode(record.value)
            if let current = latest[label.id], current.labeledAt.millisecondsSinceEpoch > label.labeledAt.millisecondsSinceEpoch { continue }
            latest[label.id] = label
        }
        #expect(first.labels + second.labels == labelRecords.count && !latest.isEmpty, "read \(labelRecords.count) labels; the generator wrote \(first.labels + second.labels)")
        let labelled = try await eventually(timeout: .seconds(30)) {
            (try? await connection.query("SELECT count(*) FROM \(schema).labels").first?[0, as: Int.self]) == latest.count
        }
        #expect(labelled, "the labels table does not hold the \(latest.count) labelled transactions; log:\n\(worker.log.suffix(2000))")
        let labelRows = try await connection.query("SELECT transaction_id, is_fraud, (extract(epoch FROM labeled_at) * 1000)::int8 FROM \(schema).labels")
        var labelMismatches: [String] = []
        for row in labelRows {
            let id = try row[0, as: String.self]
            guard let want = latest[id] else {
                labelMismatches.append("\(id): not in the topic")
                continue
            }
            if try row[2, as: Int64.self] != want.labeledAt.millisecondsSinceEpoch || (try row[1, as: Bool.self]) != want.isFraud {
                labelMismatches.append("\(id): not the latest label")
            }
        }
        #expect(labelMismatches.isEmpty, "\(labelMismatches.count) labels differ, first: \(labelMismatches.prefix(5))")

        print("worker poison: \(poison.count) broken messages (largest \(poison.map(\.bytes.count).max() ?? 0) bytes) among \(stream.expected.count) valid transactions; \(letters.count) dead letters, \(alerts.count) alerts for \(flagged.count) flagged rows, \(latest.count) labelled transactions")
        let stopped = worker.terminate()
        #expect(stopped.status == 0, "exit status \(stopped.status); log:\n\(worker.log.suffix(3000))")
    }
}

extension WorkerPoisonInputTests {
    /// Messages the decoder accepts but PostgreSQL cannot store as they are: a NUL character in
    /// a text field, and an id too long for a B-tree index entry (at most 2,704 bytes; random
    /// characters do not compress below that).
    static func databasePoison() -> [(what: String, bytes: [UInt8])] {
        var random = SplitMix(seed: 99)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        let longID = String((0..<3_000).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
        return [
            ("a NUL character in the id", Array(valid.replacingOccurrences(of: "poison-base", with: #"poison\u0000nul"#).utf8)),
            ("a NUL character in an account", Array(valid.replacingOccurrences(of: #""account_to":"M2""#, with: #""account_to":"M\u00002""#)
                .replacingOccurrences(of: "poison-base", with: "poison-nul-account").utf8)),
            ("a 3,000-character id", Array(valid.replacingOccurrences(of: "poison-base", with: longID).utf8)),
        ]
    }

    @Test("a message the decoder accepts but PostgreSQL cannot store does not stop the worker: it alone is kept in rejected_transactions, and every valid transaction around it is scored")
    func databasePoisonInput() async throws {
        let partitions = 2
        let cluster = try EmbeddedKafkaCluster()
        defer { cluster.shutdown() }
        try cluster.createTopic("transactions", partitions: partitions)
        let poison = Self.databasePoison()
        let first = try await GeneratorRun.run(options: generatorOptions(
            cluster: cluster, topic: "transactions", partitions: partitions, count: 1_000, seed: 8, rate: nil), logger: .quiet)
        let producer = try KafkaProducer(configuration: DeadLetterSink.producerConfiguration(bootstrapServers: cluster.brokerAddresses))
        for (index, message) in poison.enumerated() {
            _ = try await producer.send(KafkaProducerMessage(
                topic: "transactions", partition: Int32(index % partitions), key: Array("poison-\(index)".utf8), value: message.bytes))
        }
        try await producer.close()
        let second = try await GeneratorRun.run(options: generatorOptions(
            cluster: cluster, topic: "transactions", partitions: partitions, count: 1_000, seed: 9, rate: nil), logger: .quiet)
        let records = try await WorkerTestStream.readAll(
            cluster: cluster, topic: "transactions", count: first.transactions + poison.count + second.transactions)
        let endOffsets = records.mapValues { ($0.last?.offset ?? -1) + 1 }

        let schema = TestDatabase.uniqueName("dbpoison")
        let worker = try WorkerProcess(
            brokers: cluster.bootstrapServers, databaseURL: try TestDatabase.url(), schema: schema, group: "dbpoison",
            arguments: ["--labels-topic", "none"])
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        let done = try await eventually(timeout: .seconds(60)) {
            guard worker.process.isRunning,
                  let offsets = try? await OffsetStore(schema: schema).nextOffsets(group: "dbpoison", topic: "transactions", on: connection)
            else { return !worker.process.isRunning }
            return offsets == endOffsets
        }
        #expect(done && worker.process.isRunning,
                "the worker \(worker.process.isRunning ? "is stuck" : "exited with status \(worker.process.terminationStatus)"); its log:\n\(worker.log.suffix(3000))")
        // Exactly the unstorable messages are set aside, each valid record around them is scored.
        var poisonAt: Set<WorkerTestStream.Location> = []
        var validAt: Set<WorkerTestStream.Location> = []
        for (partition, partitionRecords) in records {
            for record in partitionRecords {
                let location = WorkerTestStream.Location(partition: partition, offset: record.offset)
                if let key = record.key, String(decoding: key, as: UTF8.self).hasPrefix("poison-") {
                    poisonAt.insert(location)
                } else {
                    validAt.insert(location)
                }
            }
        }
        #expect(poisonAt.count == poison.count && validAt.count == first.transactions + second.transactions)
        let locations = { (table: String) in
            Set(try await connection.query("SELECT kafka_partition, kafka_offset FROM \(schema).\(table)").map {
                WorkerTestStream.Location(partition: try $0[0, as: Int32.self], offset: try $0[1, as: Int64.self])
            })
        }
        let scored = try await locations("scored_transactions")
        let rejected = try await locations("rejected_transactions")
        #expect(scored == validAt, "valid records not scored: \(validAt.subtracting(scored).count); unstorable ones scored: \(scored.intersection(poisonAt).count)")
        #expect(rejected == poisonAt, "valid records set aside: \(rejected.subtracting(poisonAt).count); unstorable ones not kept: \(poisonAt.subtracting(rejected).count)")
        if worker.process.isRunning {
            #expect(worker.terminate().status == 0)
        }
    }
}

/// A small seeded generator for the random poison (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
