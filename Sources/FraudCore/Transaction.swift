/// One money movement between two accounts, as it arrives on the `transactions` topic.
///
/// Decode one with ``TransactionDecoder``; encode one with ``jsonBytes`` or ``encode(into:)``.
/// The decoder guarantees what a decoded value satisfies: a non-empty ``id``,
/// ``accountFrom`` and ``accountTo``, a non-negative ``amount`` and finite balances.
public struct Transaction: Hashable, Sendable {
    /// The unique identifier of the transaction (wire field `id`).
    public var id: String
    /// When the transaction happened (wire field `timestamp`).
    public var timestamp: EventTime
    /// The kind of transaction (wire field `type`).
    public var type: TransactionType
    /// The amount moved, never negative (wire field `amount`).
    public var amount: Double
    /// The paying account (wire field `account_from`).
    public var accountFrom: String
    /// The paying account's balance before the transaction (wire field `old_balance_from`).
    public var oldBalanceFrom: Double
    /// The paying account's balance after the transaction (wire field `new_balance_from`).
    public var newBalanceFrom: Double
    /// The receiving account (wire field `account_to`).
    public var accountTo: String
    /// The receiving account's balance before the transaction (wire field `old_balance_to`).
    public var oldBalanceTo: Double
    /// The receiving account's balance after the transaction (wire field `new_balance_to`).
    public var newBalanceTo: Double

    /// Creates a transaction from its fields.
    public init(
        id: String,
        timestamp: EventTime,
        type: TransactionType,
        amount: Double,
        accountFrom: String,
        oldBalanceFrom: Double,
        newBalanceFrom: Double,
        accountTo: String,
        oldBalanceTo: Double,
        newBalanceTo: Double
    ) {
        self.id = id
        self.timestamp = timestamp
        self.type = type
        self.amount = amount
        self.accountFrom = accountFrom
        self.oldBalanceFrom = oldBalanceFrom
        self.newBalanceFrom = newBalanceFrom
        self.accountTo = accountTo
        self.oldBalanceTo = oldBalanceTo
        self.newBalanceTo = newBalanceTo
    }
}
