import FraudCore

extension TransactionSimulator {
    /// One ordinary transaction of a customer drawn by activity.
    ///
    /// Types follow PaySim's mix (CASH_OUT 35 %, PAYMENT 34 %, CASH_IN 22 %, TRANSFER 8 %,
    /// DEBIT 1 %); amounts are log-normal around the customer's habit, scaled per type, with a
    /// Pareto tail on 3 % of them. A debit larger than the balance becomes a CASH_IN (the
    /// customer tops up instead), so balances never go negative.
    mutating func normalTransaction(at time: Int64) {
        let sender = population.unlockedBusyCustomer(&random) ?? firstUnlockedCustomer()
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
        var amount = random.logNormal(median: population.habits[sender] * scale, sigma: 0.9)
        if random.chance(0.03) { amount *= random.pareto(scale: 1, alpha: 1.6) }
        let cents = Self.cents(amount)
        if type != .cashIn && cents > population.balances[sender] { type = .cashIn }

        let receiver: Receiver
        if type == .transfer {
            let transferDraw = random.unit()
            if transferDraw < 0.02 {
                // A genuinely new payee: legitimate transfers to never-seen accounts happen too.
                receiver = .outside(population.freshAccount(), balanceCents: 0)
            } else if transferDraw < 0.87 {
                let payees = population.payees[sender]
                receiver = .customer(Int(payees[random.index(below: payees.count)]))
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

    /// The first customer no scenario holds; used only when activity-weighted draws keep
    /// hitting held accounts (scenarios hold few accounts, so the scan ends quickly).
    private func firstUnlockedCustomer() -> Int {
        var index = 0
        while population.locked[index] && index < population.customerCount - 1 { index += 1 }
        return index
    }
}
