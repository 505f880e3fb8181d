/// The kind of a transaction, as in the PaySim data set.
///
/// The raw value is the exact spelling used on the wire.
public enum TransactionType: String, CaseIterable, Hashable, Sendable {
    /// A payment to a merchant.
    case payment = "PAYMENT"
    /// A transfer to another customer's account.
    case transfer = "TRANSFER"
    /// A withdrawal of cash through a merchant.
    case cashOut = "CASH_OUT"
    /// A deposit of cash through a merchant.
    case cashIn = "CASH_IN"
    /// A debit to a bank account.
    case debit = "DEBIT"
}
