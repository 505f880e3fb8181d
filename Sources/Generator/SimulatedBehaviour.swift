/// Why the simulator produced a transaction: ordinary traffic, one of the three fraud
/// patterns, or one of the legitimate look-alikes of those patterns.
public enum SimulatedBehaviour: String, CaseIterable, Sendable, Hashable {
    /// Everyday traffic of a customer.
    case normal
    /// Fraud: a tiny TRANSFER to a never-seen account, then within seconds the remainder of
    /// the balance to that same account.
    case accountTakeover = "account_takeover"
    /// Fraud: several TRANSFERs and PAYMENTs emptying one account to different accounts
    /// within minutes.
    case fanOut = "fan_out"
    /// Fraud: the whole balance paid to a merchant in one PAYMENT or CASH_OUT.
    case cashOut = "cash_out"
    /// Legitimate: a customer spends their whole balance at a merchant in one PAYMENT or CASH_OUT.
    case wholeBalancePurchase = "whole_balance_purchase"
    /// Legitimate: a customer sends several TRANSFERs to people they have paid before,
    /// within minutes, often most or all of the balance.
    case familyTransfers = "family_transfers"
    /// Legitimate: a small test TRANSFER to a new payee, then a real one to the same payee.
    case testThenPayee = "test_then_payee"
    /// Fraud read from a replayed PaySim file (labelled with fraud type `paysim`).
    case replayedFraud = "paysim"

    /// Whether this behaviour is fraud.
    public var isFraud: Bool {
        switch self {
        case .accountTakeover, .fanOut, .cashOut, .replayedFraud: true
        case .normal, .wholeBalancePurchase, .familyTransfers, .testThenPayee: false
        }
    }

    /// The fraud pattern this behaviour imitates (itself for fraud), or `nil` for normal traffic.
    public var resembles: SimulatedBehaviour? {
        switch self {
        case .normal, .replayedFraud: nil
        case .accountTakeover, .testThenPayee: .accountTakeover
        case .fanOut, .familyTransfers: .fanOut
        case .cashOut, .wholeBalancePurchase: .cashOut
        }
    }
}
