import FraudCore
import Foundation
@testable import Generator
import Testing

@Suite("History")
struct HistoryTests {
    @Test("--history 1h on the simulated clock writes an hour of event time first, then --count live transactions continuing it")
    func simulatedHistory() async throws {
        var flags = GeneratorFlags()
        flags.clock = "simulated"
        flags.seed = "4"
        flags.rate = "600"  // 10 per event-time second at speedup 60: 36,000 in the hour
        flags.max = true
        flags.count = "1000"
        flags.history = "1h"
        flags.output = temporaryPath("tx.jsonl")
        flags.labelsOutput = temporaryPath("labels.jsonl")
        let options = try GeneratorOptions(flags: flags, environment: [:])
        let summary = try await GeneratorRun.run(options: options)
        #expect(summary.transactions == 1000)
        #expect(abs(Double(summary.historyTransactions) / 36_000 - 1) < 0.05, "\(summary.historyTransactions) history transactions")
        #expect(summary.description.contains("; before them \(GeneratorProgress.grouped(summary.historyTransactions)) history tx"))
        let decoder = TransactionDecoder()
        let times = try lines(of: flags.output!).map { try decoder.decode(Array($0.utf8)).timestamp.millisecondsSinceEpoch }
        let live = options.liveStart.millisecondsSinceEpoch
        #expect(times.count == 1000 + summary.historyTransactions)
        #expect(times[0] == live - 3_600_000)
        #expect(times.prefix(summary.historyTransactions).allSatisfy { $0 < live })
        #expect(times.dropFirst(summary.historyTransactions).allSatisfy { $0 >= live })
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 }, "one continuous, ordered stream")
        #expect(try lines(of: flags.labelsOutput!).count > 3_000, "history transactions are labelled as usual")
    }

    @Test("--history on the real clock ends at the start of the run, whose transactions carry the wall clock")
    func realClockHistory() async throws {
        var flags = GeneratorFlags()
        flags.seed = "5"
        flags.rate = "100"
        flags.count = "50"
        flags.history = "5m"
        flags.output = temporaryPath("tx.jsonl")
        let now = EventTime(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000))
        let options = try GeneratorOptions(flags: flags, environment: [:], now: now)
        let summary = try await GeneratorRun.run(options: options)
        #expect(summary.transactions == 50 && abs(Double(summary.historyTransactions) / 30_000 - 1) < 0.05)
        let decoder = TransactionDecoder()
        let times = try lines(of: flags.output!).map { try decoder.decode(Array($0.utf8)).timestamp.millisecondsSinceEpoch }
        #expect(times[0] == now.millisecondsSinceEpoch - 300_000)
        #expect(times.prefix(summary.historyTransactions).allSatisfy { $0 < now.millisecondsSinceEpoch })
        #expect(times.suffix(50).allSatisfy { $0 >= now.millisecondsSinceEpoch }, "live transactions are stamped with the wall clock")
    }

    @Test("on the real clock every label is stamped later than the one before, so a correction drained with its wrong verdict at the end still wins")
    func realClockCorrectionsComeLast() async throws {
        var flags = GeneratorFlags()
        flags.seed = "6"
        flags.rate = "2000"
        flags.count = "2000"
        flags.correctionShare = "1"
        flags.labelShare = "1"
        flags.output = temporaryPath("tx.jsonl")
        flags.labelsOutput = temporaryPath("labels.jsonl")
        let options = try GeneratorOptions(flags: flags, environment: [:])
        let summary = try await GeneratorRun.run(options: options)
        #expect(summary.transactions == 2000 && summary.labels == 4000, "every transaction gets a wrong verdict and its correction")
        let decoder = LabelDecoder()
        let labels = try lines(of: flags.labelsOutput!).map { try decoder.decode(Array($0.utf8)) }
        let times = labels.map(\.labeledAt.millisecondsSinceEpoch)
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 }, "labeled_at strictly increasing")
        // The latest label of each transaction, as the worker keeps it, is the second one written.
        var latest: [String: Label] = [:]
        var seen: [String: Int] = [:]
        for label in labels {
            seen[label.id, default: 0] += 1
            if latest[label.id].map({ label.labeledAt.millisecondsSinceEpoch >= $0.labeledAt.millisecondsSinceEpoch }) ?? true {
                latest[label.id] = label
            }
        }
        let transactions = try lines(of: flags.output!).map { try TransactionDecoder().decode(Array($0.utf8)).id }
        #expect(Set(transactions) == Set(latest.keys))
        #expect(seen.values.allSatisfy { $0 == 2 })
        let lastWritten = Dictionary(labels.reversed().map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(latest == lastWritten)
    }
}
