import FraudCore

/// Hand-built transactions for the feature tests.
enum Examples {
    /// 2026-01-01T10:00:00Z.
    static let base: Int64 = 1_767_261_600_000

    static func transaction(
        at offset: Int64, amount: Double, from: String, to: String, type: TransactionType = .transfer,
        oldBalance: Double = 1_000_000, newBalance: Double? = nil, id: String = "tx"
    ) -> Transaction {
        Transaction(
            id: id, timestamp: EventTime(millisecondsSinceEpoch: base + offset), type: type, amount: amount,
            accountFrom: from, oldBalanceFrom: oldBalance, newBalanceFrom: newBalance ?? max(0, oldBalance - amount),
            accountTo: to, oldBalanceTo: 0, newBalanceTo: amount)
    }
}
