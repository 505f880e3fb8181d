import FraudCore

extension TransactionSimulator {
    /// One ordinary transaction of a customer drawn by activity (pace × rhythm at `time`).
    ///
    /// Types follow PaySim's mix (CASH_OUT 35 %, PAYMENT 34 %, CASH_IN 22 %, TRANSFER 8 %,
    /// DEBIT 1 %); amounts are log-normal around the customer's habit, scaled per type, with a
    /// Pareto tail on 3 % of them. A debit larger than the balance becomes a CASH_IN (the
    /// customer tops up instead), so balances never go negative.
    mutating func normalTransaction(at time: Int64) {
        let sender = population.unlockedActiveCustomer(at: time, &random) ?? anyUnlockedCustomer()
        let profile = population.profile(sender)
        let draw = random.unit()
        var type: TransactionType
        let scale: Double
        switch draw {
        case ..<0.35: (type, scale) = (.cashOut, 2)
        case ..<0.69: (type, scale) = (.payment, 1)
        case ..<0.91: (type, scale) = (.cashIn, 2.5)
        case ..<0.99: (type, scale) = (.transfer, 4)
        default: (type, scale) = (.debit, 1.5)
        }
        var amount = random.logNormal(median: profile.habit * scale, sigma: 0.9)
        if random.chance(0.03) { amount *= random.pareto(scale: 1, alpha: 1.6) }
        let cents = Self.cents(amount)
        if type != .cashIn && cents > population.balance(sender) { type = .cashIn }

        let receiver: Receiver
        if type == .transfer {
            let transferDraw = random.unit()
            if transferDraw < 0.02 {
                receiver = newPayee(of: sender, profile)
            } else if transferDraw < 0.87 {
                receiver = .customer(profile.payee(random.index(below: profile.payeeCount)))
            } else {
                var other = random.index(below: population.customerCount)
                if other == sender { other = (other + 1) % population.customerCount }
                receiver = .customer(other)
            }
        } else {
            receiver = .merchant(population.merchant(&random))
        }
        record(at: time, type, from: sender, cents: cents, to: receiver, .normal)
    }

    /// A genuinely new payee: 80 % an existing customer the sender has not paid before (an
    /// established account, with its balance), 20 % a never-seen outside account (balance 0).
    private mutating func newPayee(of sender: Int, _ profile: CustomerProfile) -> Receiver {
        if random.chance(0.8) {
            for _ in 0..<8 {
                let other = random.index(below: population.customerCount)
                if other != sender && !profile.knowsPayee(other) { return .customer(other) }
            }
        }
        return .outside(population.freshAccount(), balanceCents: 0)
    }

    /// Some customer no scenario holds, scanning from a random one; used only when
    /// activity-weighted draws keep hitting held accounts (scenarios hold few accounts).
    private mutating func anyUnlockedCustomer() -> Int {
        var index = random.index(below: population.customerCount)
        for _ in 0..<population.customerCount where population.isLocked(index) {
            index = (index + 1) % population.customerCount
        }
        return index
    }
}
