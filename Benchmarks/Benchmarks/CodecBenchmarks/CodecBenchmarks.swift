import Benchmark
import FraudCore
import Foundation

/// The same message through both decoders, the hand-written one and Foundation's JSONDecoder,
/// and through the encoder. Names have no spaces: the tool reads stored thresholds by the raw
/// name but writes them with spaces replaced.
///
/// Each measured iteration runs 1,000 operations (scaling factor `.kilo`), so throughput
/// is in thousands of operations per second and malloc counts are per 1,000 operations
/// (the CLI output scales them back: figures marked `*` are per operation).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 1_000_000,
        // Timing on a shared 2-core machine varies by 40 % when other work runs, so only a halving
        // of speed fails the check; allocation counts are exact and must not change.
        thresholds: [
            .throughput: BenchmarkThresholds(relative: [.p90: 50.0]),
            .wallClock: BenchmarkThresholds(relative: [.p90: 50.0]),
            .mallocCountTotal: BenchmarkThresholds(absolute: [.p90: 0]),
        ]
    )

    let transaction = Transaction(
        id: "tx-000123456", timestamp: EventTime(millisecondsSinceEpoch: 1_767_268_800_123), type: .transfer,
        amount: 181_234.56, accountFrom: "C1231006815", oldBalanceFrom: 181_234.56, newBalanceFrom: 0,
        accountTo: "C553264065", oldBalanceTo: 21_182, newBalanceTo: 202_416.56)
    let message = transaction.jsonBytes
    let messageData = Data(message)
    let label = Label(
        id: "tx-000123456", isFraud: true, fraudType: "drain",
        labeledAt: EventTime(millisecondsSinceEpoch: 1_767_268_900_000))
    let labelMessage = label.jsonBytes

    Benchmark("TransactionDecoder.decode") { benchmark in
        let decoder = TransactionDecoder()
        for _ in benchmark.scaledIterations {
            blackHole(try decoder.decode(message))
        }
    }

    Benchmark("JSONDecoder.decode(TransactionMirror)") { benchmark in
        let decoder = JSONDecoder()
        for _ in benchmark.scaledIterations {
            blackHole(try decoder.decode(TransactionMirror.self, from: messageData))
        }
    }

    Benchmark("LabelDecoder.decode") { benchmark in
        let decoder = LabelDecoder()
        for _ in benchmark.scaledIterations {
            blackHole(try decoder.decode(labelMessage))
        }
    }

    Benchmark("Transaction.encode-into-reused-buffer") { benchmark in
        var buffer: [UInt8] = []
        buffer.reserveCapacity(512)
        for _ in benchmark.scaledIterations {
            buffer.removeAll(keepingCapacity: true)
            transaction.encode(into: &buffer)
            blackHole(buffer)
        }
    }

    Benchmark("Transaction.jsonBytes") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(transaction.jsonBytes)
        }
    }
}

/// A Codable mirror of the wire format: the reference for what Foundation costs.
///
/// It does less than ``TransactionDecoder`` (the timestamp stays a string and nothing is
/// validated), so the comparison favours Foundation.
struct TransactionMirror: Decodable {
    enum Kind: String, Decodable {
        case payment = "PAYMENT", transfer = "TRANSFER", cashOut = "CASH_OUT", cashIn = "CASH_IN", debit = "DEBIT"
    }

    enum CodingKeys: String, CodingKey {
        case id, timestamp, type, amount
        case accountFrom = "account_from", oldBalanceFrom = "old_balance_from", newBalanceFrom = "new_balance_from"
        case accountTo = "account_to", oldBalanceTo = "old_balance_to", newBalanceTo = "new_balance_to"
    }

    var id: String
    var timestamp: String
    var type: Kind
    var amount: Double
    var accountFrom: String
    var oldBalanceFrom: Double
    var newBalanceFrom: Double
    var accountTo: String
    var oldBalanceTo: Double
    var newBalanceTo: Double
}
