import FraudCore

/// The three fraud patterns and their legitimate look-alikes. A scenario holds (locks) its
/// account until its last step so that ordinary traffic does not interleave with the shape.
extension TransactionSimulator {
    /// Starts one of the fraud patterns: account takeover 40 %, fan-out 30 %, cash-out 30 %.
    ///
    /// Fraudsters go for money: of three customers drawn uniformly among those unlocked and
    /// holding at least 100, the victim is the richest. The fraud starts at `time` whatever
    /// the victim's rhythm, so it often falls in the victim's quiet hours.
    ///
    /// - Returns: `false` when no suitable victim was found; the tick becomes ordinary traffic.
    mutating func startFraud(at time: Int64) -> Bool {
        guard let victim = richestOfThree() else { return false }
        scenarioCount += 1
        let scenario = scenarioCount
        let pattern = random.unit()
        if pattern < 0.4 {
            population.locked.insert(victim)
            let mule = population.freshAccount()
            let probe = Int64(random.integer(in: 1...500))
            let muleBalance = record(at: time, .transfer, from: victim, cents: probe, to: .outside(mule, balanceCents: 0), .accountTakeover, scenario: scenario)
            let step = ScenarioStep(kind: .takeoverRemainder, scenario: scenario, account: victim, target: mule, targetBalanceCents: muleBalance)
            steps.insert(step, at: time + Int64(random.integer(in: 2_000...30_000)))
        } else if pattern < 0.7 {
            population.locked.insert(victim)
            let step = ScenarioStep(kind: .fanOut, scenario: scenario, account: victim, remaining: random.integer(in: 3...6))
            perform(step, at: time)
        } else {
            let type: TransactionType = random.chance(0.5) ? .payment : .cashOut
            record(at: time, type, from: victim, cents: population.balance(victim), to: .merchant(population.merchant(&random)), .cashOut, scenario: scenario)
        }
        return true
    }

    /// Starts one of the look-alikes, a third each. Their customers are drawn by activity, as
    /// ordinary senders are. A whole-balance purchase needs a customer whose balance is at
    /// most 10 × their habitual payment (people spend down a small remainder, not a fortune).
    ///
    /// - Returns: `false` when no suitable customer was found; the tick becomes ordinary traffic.
    mutating func startLookAlike(at time: Int64) -> Bool {
        let kind = random.index(below: 3)
        switch kind {
        case 0:
            guard let customer = smallRemainderCustomer(at: time) else { return false }
            scenarioCount += 1
            let type: TransactionType = random.chance(0.7) ? .payment : .cashOut
            record(at: time, type, from: customer, cents: population.balance(customer), to: .merchant(population.merchant(&random)), .wholeBalancePurchase, scenario: scenarioCount)
        case 1:
            guard let customer = population.unlockedActiveCustomer(at: time, &random, minimumCents: 50_00),
                population.profile(customer).payeeCount >= 3
            else { return false }
            scenarioCount += 1
            population.locked.insert(customer)
            let empties = random.chance(0.4)
            let budget = empties ? population.balance(customer) : Int64(Double(population.balance(customer)) * random.uniform(0.6, 0.95))
            let count = min(random.integer(in: 3...5), population.profile(customer).payeeCount)
            let step = ScenarioStep(kind: .family, scenario: scenarioCount, account: customer, remaining: count, budgetCents: budget, empties: empties)
            perform(step, at: time)
        default:
            guard let customer = population.unlockedActiveCustomer(at: time, &random, minimumCents: 20_00) else { return false }
            scenarioCount += 1
            population.locked.insert(customer)
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
        let balance = population.balance(account)
        switch step.kind {
        case .takeoverRemainder:
            if balance > 0 {
                record(at: time, .transfer, from: account, cents: balance, to: .outside(step.target, balanceCents: step.targetBalanceCents), .accountTakeover, scenario: step.scenario)
            }
            population.locked.remove(account)
        case .realTransfer:
            let habitual = Self.cents(random.logNormal(median: population.profile(account).habit * 5, sigma: 0.6))
            let cents = step.empties ? balance : min(balance, habitual)
            if cents > 0 {
                record(at: time, .transfer, from: account, cents: cents, to: .outside(step.target, balanceCents: step.targetBalanceCents), .testThenPayee, scenario: step.scenario)
            }
            population.locked.remove(account)
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
                return index == account ? "" : simulator.population.customerName(index)
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
            population.locked.remove(account)
        }
    }

    /// One transfer to a known payee; the last one spends what is left of the budget (all of
    /// the balance when the scenario empties the account).
    private mutating func familyStep(_ step: ScenarioStep, at time: Int64, balance: Int64) {
        var step = step
        let profile = population.profile(step.account)
        let payee = profile.payee(step.paid.count % profile.payeeCount)
        let share = step.remaining == 1 ? step.budgetCents : Int64(Double(step.budgetCents) / Double(step.remaining) * random.uniform(0.7, 1.3))
        let cents = min(balance, step.empties && step.remaining == 1 ? balance : share)
        if cents > 0 {
            record(at: time, .transfer, from: step.account, cents: cents, to: .customer(payee), .familyTransfers, scenario: step.scenario)
        }
        step.budgetCents -= cents
        step.paid.append(population.customerName(payee))
        step.remaining -= 1
        if step.remaining > 0 {
            steps.insert(step, at: time + Int64(random.integer(in: 20_000...180_000)))
        } else {
            population.locked.remove(step.account)
        }
    }

    /// The richest of three customers drawn uniformly (unlocked, holding at least 100), or
    /// `nil` when none was found.
    private mutating func richestOfThree() -> Int? {
        var richest: (index: Int, cents: Int64)?
        for _ in 0..<3 {
            guard let candidate = population.unlockedAnyCustomer(&random, minimumCents: 100_00) else { continue }
            let cents = population.balance(candidate)
            if richest == nil || cents > richest!.cents { richest = (candidate, cents) }
        }
        return richest?.index
    }

    /// A customer drawn by activity whose balance is between 1 and 10 × their habitual
    /// payment, trying a few draws; `nil` when none qualified.
    private mutating func smallRemainderCustomer(at time: Int64) -> Int? {
        for _ in 0..<16 {
            guard let candidate = population.unlockedActiveCustomer(at: time, &random, minimumCents: 1_00) else { continue }
            if population.balance(candidate) <= Self.cents(10 * population.profile(candidate).habit) { return candidate }
        }
        return nil
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
        case .customer(let index): population.customerName(index)
        }
    }
}
