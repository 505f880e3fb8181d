/// A later step of a running scenario, waiting in event time.
struct ScenarioStep: Sendable {
    enum Kind {
        /// Account takeover: the remainder of the balance to the mule that got the probe.
        case takeoverRemainder
        /// Fan-out: one more transfer or payment draining the account.
        case fanOut
        /// Family transfers: one more transfer to a known payee.
        case family
        /// Test then payee: the real transfer after the test one.
        case realTransfer
    }

    var kind: Kind
    var scenario: Int
    /// The customer the scenario spends from.
    var account: Int
    /// The outside account that already received money, for two-step scenarios.
    var target: String = ""
    /// That account's balance, in cents.
    var targetBalanceCents: Int64 = 0
    /// Steps still to come, this one included.
    var remaining: Int = 1
    /// Accounts already paid, so multi-step scenarios pay distinct ones.
    var paid: [String] = []
    /// For scenarios that stop short of the whole balance: what is left to spend, in cents.
    var budgetCents: Int64 = 0
    /// Whether the scenario ends with the account empty.
    var empties: Bool = true
}
