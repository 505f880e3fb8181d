import FraudCore
import FraudPipeline
import Foundation
import Testing

@Suite("Offline replay and bad clocks")
struct FeatureReplayClockTests {
    /// 4,000 payments of 50 accounts, one every 5 s of event time, as JSON lines; `shape`
    /// changes the event time of the transaction at an index.
    static func file(_ shape: (Int, Int64) -> Int64 = { $1 }) throws -> String {
        let start: Int64 = 1_767_225_600_000
        var lines: [UInt8] = []
        for index in 0..<4_000 {
            let time = shape(index, start + Int64(index) * 5_000)
            let transaction = Transaction(
                id: "T\(index)", timestamp: EventTime(millisecondsSinceEpoch: time), type: .payment, amount: 10,
                accountFrom: "C\(index % 50)", oldBalanceFrom: 1_000, newBalanceFrom: 990, accountTo: "M1", oldBalanceTo: 0, newBalanceTo: 0)
            lines += transaction.jsonBytes + [UInt8(ascii: "\n")]
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("replay-clock-\(UUID()).jsonl").path
        FileManager.default.createFile(atPath: path, contents: Data(lines))
        return path
    }

    static func replay(_ path: String, maxClockSkew: Duration? = .seconds(300)) throws -> (rejected: [Int: String], late: Double, hasPreviousAfter: Double) {
        var rejected: [Int: String] = [:]
        var late = 0.0, hasPrevious = 0.0, after = 0.0
        _ = try FeatureReplay(maxClockSkew: maxClockSkew).run(path: path, onRejected: { line, error in
            rejected[line] = error.reason.code
        }) { transaction, vector in
            late += vector[.late]
            if Int(transaction.id.dropFirst())! > 2_000 {
                hasPrevious += vector[.hasPrevious]
                after += 1
            }
        }
        return (rejected, late, hasPrevious / max(after, 1))
    }

    @Test("a year-2530 event time and a producer an hour fast are rejected as timestamp_out_of_range, and the rest keeps its history and is not late")
    func outliersAreRejected() throws {
        let path = try Self.file { index, time in
            if index == 2_000 { return time * 10 }  // an extra digit: about the year 2530
            if index > 2_000, index % 10 == 0 { return time + 3_600_000 }  // one producer an hour fast
            return time
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let checked = try Self.replay(path)
        #expect(Set(checked.rejected.keys) == Set([2_001] + stride(from: 2_011, through: 3_991, by: 10)), "lines are 1-based")
        #expect(checked.rejected.values.allSatisfy { $0 == "timestamp_out_of_range" })
        #expect(checked.late == 0)
        #expect(checked.hasPreviousAfter == 1)
        // Without the check, the outlier drags the watermark: everything after it is late.
        let unchecked = try Self.replay(path, maxClockSkew: nil)
        #expect(unchecked.rejected.isEmpty)
        #expect(unchecked.hasPreviousAfter < 0.1 && unchecked.late > 1_000)
    }

    @Test("a genuine jump (traffic resuming after two quiet hours) is confirmed by what follows and loses nothing")
    func genuineJumpsAreKept() throws {
        let path = try Self.file { index, time in index >= 2_000 ? time + 7_200_000 : time }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let checked = try Self.replay(path)
        #expect(checked.rejected.isEmpty)
        #expect(checked.late == 0)
    }
}
