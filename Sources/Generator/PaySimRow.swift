import FraudCore

/// One parsed line of the PaySim layout
/// `step,type,amount,nameOrig,oldbalanceOrg,newbalanceOrig,nameDest,oldbalanceDest,newbalanceDest,isFraud,isFlaggedFraud`.
struct PaySimRow {
    static let columns = [
        "step", "type", "amount", "nameOrig", "oldbalanceOrg", "newbalanceOrig",
        "nameDest", "oldbalanceDest", "newbalanceDest", "isFraud", "isFlaggedFraud",
    ]

    var step: Int
    var type: TransactionType
    var amount: Double
    var nameOrig: String
    var oldBalanceOrig: Double
    var newBalanceOrig: Double
    var nameDest: String
    var oldBalanceDest: Double
    var newBalanceDest: Double
    var isFraud: Bool

    /// Parses one line (without its line break).
    init(_ line: Substring, number: Int, path: String) throws(PaySimReplayError) {
        let fields = line.split(separator: ",", omittingEmptySubsequences: false)
        guard fields.count == Self.columns.count else {
            throw PaySimReplayError(
                path: path, line: number,
                problem: "expected \(Self.columns.count) comma-separated columns (\(Self.columns.joined(separator: ","))), got \(fields.count)")
        }
        func fail(_ column: Int, _ expected: String) -> PaySimReplayError {
            PaySimReplayError(path: path, line: number, column: column + 1, columnName: Self.columns[column],
                              problem: "expected \(expected), got \"\(fields[column])\"")
        }
        func decimal(_ column: Int, nonNegative: Bool = false) throws(PaySimReplayError) -> Double {
            guard let value = Double(fields[column]), value.isFinite, !nonNegative || value >= 0 else {
                throw fail(column, nonNegative ? "a non-negative number" : "a number")
            }
            return value
        }
        func name(_ column: Int) throws(PaySimReplayError) -> String {
            guard !fields[column].isEmpty else { throw fail(column, "an account name such as C1231006815") }
            return String(fields[column])
        }
        guard let step = Int(fields[0]), step >= 1 else { throw fail(0, "a positive whole number of hours") }
        guard let type = TransactionType(rawValue: String(fields[1])) else {
            throw fail(1, "one of PAYMENT, TRANSFER, CASH_OUT, CASH_IN, DEBIT")
        }
        self.step = step
        self.type = type
        amount = try decimal(2, nonNegative: true)
        nameOrig = try name(3)
        oldBalanceOrig = try decimal(4)
        newBalanceOrig = try decimal(5)
        nameDest = try name(6)
        oldBalanceDest = try decimal(7)
        newBalanceDest = try decimal(8)
        switch fields[9] {
        case "0": isFraud = false
        case "1": isFraud = true
        default: throw fail(9, "0 or 1")
        }
        guard fields[10] == "0" || fields[10] == "1" else { throw fail(10, "0 or 1") }
    }
}
