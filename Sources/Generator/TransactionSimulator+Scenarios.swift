import FraudCore

/// The three fraud patterns and their legitimate look-alikes. A scenario holds (locks) its
/// account until its last step so that ordinary traffic does not interleave with the shape.
extension TransactionSimulator {
    /// Starts one of the fraud patterns: account takeover 40 %, fan-out 30 %, cash-out 30 %.
    /// Victims are drawn uniformly (busy and quiet accounts alike) among those holding at least 100.
    ///
    /// - Returns: `false` when no suitable victim was found; the tick becomes ordinary traffic.
    mutating func startFraud(at time: Int64) -> Bool {
        guard let victim = population.unlockedAnyCustomer(&random, minimumCents: 100_00) else { return false }
        scenarioCount += 1
        let scenario = scenarioCount
        let pattern = random.unit()
        if pattern < 0.4 {
            population.locked[victim] = true
            let mule = population.freshAccount()
            let probe = Int64(random.integer(in: 1...500))
            let muleBalance = record(at: time, .transfer, from: victim, cents: probe, to: .outside(mule, balanceCents: 0), .accountTakeover, scenario: scenario)
            let step = ScenarioStep(kind: .takeoverRemainder, scenario: scenario, account: victim, target: mule, targetBalanceCents: muleBalance)
            steps.insert(step, at: time + Int64(random.integer(in: 2_000...30_000)))
        } else if pattern < 0.7 {
            population.locked[victim] = true
            let step = ScenarioStep(kind: .fanOut, scenario: scenario, account: victim, remaining: random.integer(in: 3...6))
            perform(step, at: time)
        } else {
            let type: TransactionType = random.chance(0.5) ? .payment : .cashOut
            record(at: time, type, from: victim, cents: population.balances[victim], to: .merchant(population.merchant(&random)), .cashOut, scenario: scenario)
        }
        return true
    }

    /// Starts one of the look-alikes, a third each. Their customers are drawn by activity.
    ///
    /// - Returns: `false` when no suitable customer was found; the tick becomes ordinary traffic.
    mutating func startLookAlike(at time: Int64) -> Bool {
        let kind = random.index(below: 3)
        switch kind {
        case 0:
            guard let customer = population.unlockedBusyCustomer(&random, minimumCents: 1_00) else { return false }
            scenarioCount += 1
            let type: TransactionType = random.chance(0.7) ? .payment : .cashOut
            record(at: time, type, from: customer, cents: population.balances[customer], to: .merchant(population.merchant(&random)), .wholeBalancePurchase, scenario: scenarioCount)
        case 1:
            guard let customer = population.unlockedBusyCustomer(&random, minimumCents: 50_00),
                population.payees[customer].count >= 3
            else { return false }
            scenarioCount += 1
            population.locked[customer] = true
            let empties = random.chance(0.4)
            let budget = empties ? population.balances[customer] : Int64(Double(population.balances[customer]) * random.uniform(0.6, 0.95))
            let count = min(random.integer(in: 3...5), population.payees[customer].count)
            let step = ScenarioStep(kind: .family, scenario: scenarioCount, account: customer, remaining: count, budgetCents: budget, empties: empties)
            perform(step, at: time)
        default:
            guard let customer = population.unlockedBusyCustomer(&random, minimumCents: 20_00) else { return false }
            scenarioCount += 1
            population.locked[customer] = true
            let payee = population.freshAccount()
            let test = Int64(random.integer(in: 1...500))
            let payeeBalance = record(at: time, .transfer, from: customer, cents: test, to: .outside(payee, balanceCents: 0), .testThenPayee, scenario: scenarioCount)
            let step = ScenarioStep(
                kind: .realTransfer, scenario: scenarioCount, account: customer, target: payee,
                targetBalanceCents: payeeBalance, empties: random.chance(0.25))
            steps.insert(step, at: time + Int64(random.integer(in: 15_000...300_000)))
        }
        return true
    }

    /// Performs a scheduled step of a running scenario.
    mutating func perform(_ step: ScenarioStep, at time: Int64) {
        let account = step.account
        let balance = population.balances[account]
        switch step.kind {
        case .takeoverRemainder:
            if balance > 0 {
                record(at: time, .transfer, from: account, cents: balance, to: .outside(step.target, balanceCents: step.targetBalanceCents), .accountTakeover, scenario: step.scenario)
            }
            population.locked[account] = false
        case .realTransfer:
            let habitual = Self.cents(random.logNormal(median: population.habits[account] * 5, sigma: 0.6))
            let cents = step.empties ? balance : min(balance, habitual)
            if cents > 0 {
                record(at: time, .transfer, from: account, cents: cents, to: .outside(step.target, balanceCents: step.targetBalanceCents), .testThenPayee, scenario: step.scenario)
            }
            population.locked[account] = false
        case .fanOut:
            fanOutStep(step, at: time, balance: balance)
        case .family:
            familyStep(step, at: time, balance: balance)
        }
    }

    /// One transfer (or, a fifth of the time, a payment to a merchant) of a fan-out; the
    /// receivers are mostly never-seen mules, sometimes existing customers.
    private mutating func fanOutStep(_ step: ScenarioStep, at time: Int64, balance: Int64) {
        var step = step
        let account = step.account
        let cents = step.remaining == 1 ? balance : min(balance, Int64(Double(balance) / Double(step.remaining) * random.uniform(0.6, 1.4)))
        let receiver: Receiver
        let type: TransactionType
        let draw = random.unit()
        if draw < 0.2 {
            type = .payment
            receiver = .merchant(distinct(step.paid) { $0.population.merchant(&$0.random) })
        } else if draw < 0.45 {
            type = .transfer
            var index = 0
            let name = distinct(step.paid) { simulator in
                index = simulator.random.index(below: simulator.population.customerCount)
                return index == account ? "" : simulator.population.customerIDs[index]
            }
            receiver = name.isEmpty ? .outside(population.freshAccount(), balanceCents: 0) : .customer(index)
        } else {
            type = .transfer
            receiver = .outside(population.freshAccount(), balanceCents: 0)
        }
        if cents > 0 {
            record(at: time, type, from: account, cents: cents, to: receiver, .fanOut, scenario: step.scenario)
        }
        step.paid.append(Self.name(of: receiver, in: population))
        step.remaining -= 1
        if step.remaining > 0 {
            steps.insert(step, at: time + Int64(random.integer(in: 5_000...90_000)))
        } else {
            population.locked[account] = false
        }
    }

    /// One transfer to a known payee; the last one spends what is left of the budget (all of
    /// the balance when the scenario empties the account).
    private mutating func familyStep(_ step: ScenarioStep, at time: Int64, balance: Int64) {
        var step = step
        let payees = population.payees[step.account]
        let payee = Int(payees[step.paid.count % payees.count])
        let share = step.remaining == 1 ? step.budgetCents : Int64(Double(step.budgetCents) / Double(step.remaining) * random.uniform(0.7, 1.3))
        let cents = min(balance, step.empties && step.remaining == 1 ? balance : share)
        if cents > 0 {
            record(at: time, .transfer, from: step.account, cents: cents, to: .customer(payee), .familyTransfers, scenario: step.scenario)
        }
        step.budgetCents -= cents
        step.paid.append(population.customerIDs[payee])
        step.remaining -= 1
        if step.remaining > 0 {
            steps.insert(step, at: time + Int64(random.integer(in: 20_000...180_000)))
        } else {
            population.locked[step.account] = false
        }
    }

    /// A name from `draw` that is not among `paid`, trying a few times.
    private mutating func distinct(_ paid: [String], _ draw: (inout TransactionSimulator) -> String) -> String {
        var name = draw(&self)
        var tries = 0
        while paid.contains(name) && tries < 8 {
            name = draw(&self)
            tries += 1
        }
        return name
    }

    private static func name(of receiver: Receiver, in population: Population) -> String {
        switch receiver {
        case .merchant(let name), .outside(let name, _): name
        case .customer(let index): population.customerIDs[index]
        }
    }
}
