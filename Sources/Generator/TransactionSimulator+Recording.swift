import FraudCore

/// Who receives a transaction, which decides how the receiving balances are reported.
enum Receiver {
    /// A merchant: balances reported as 0 before and after, as PaySim does.
    case merchant(String)
    /// A customer of the population, whose balance is tracked.
    case customer(Int)
    /// An account outside the population (a never-seen payee or mule), whose balance the
    /// scenario tracks.
    case outside(String, balanceCents: Int64)
}

extension TransactionSimulator {
    /// Applies one transaction to the balances, schedules its emission and its labels.
    ///
    /// `CASH_IN` credits the sender (a deposit through a merchant); every other type debits it.
    /// - Returns: The receiver's balance afterwards, in cents (0 for merchants).
    @discardableResult
    mutating func record(
        at time: Int64, _ type: TransactionType, from sender: Int, cents: Int64, to receiver: Receiver,
        _ behaviour: SimulatedBehaviour, scenario: Int? = nil
    ) -> Int64 {
        let oldFrom = population.balance(sender)
        let newFrom = type == .cashIn ? oldFrom + cents : oldFrom - cents
        population.setBalance(sender, newFrom)
        let accountTo: String
        var oldTo: Int64 = 0
        var newTo: Int64 = 0
        switch receiver {
        case .merchant(let name):
            accountTo = name
        case .customer(let index):
            accountTo = population.customerName(index)
            oldTo = population.balance(index)
            newTo = oldTo + cents
            population.setBalance(index, newTo)
        case .outside(let name, let balance):
            accountTo = name
            oldTo = balance
            newTo = balance + cents
        }
        let sequence = transactionCount
        transactionCount += 1
        let id = idPrefix + String(sequence)
        let transaction = Transaction(
            id: id, timestamp: EventTime(millisecondsSinceEpoch: time), type: type,
            amount: Self.units(cents), accountFrom: population.customerName(sender),
            oldBalanceFrom: Self.units(oldFrom), newBalanceFrom: Self.units(newFrom),
            accountTo: accountTo, oldBalanceTo: Self.units(oldTo), newBalanceTo: Self.units(newTo))
        var truth = GroundTruth(behaviour: behaviour, scenario: scenario)
        var emitAt = time
        if disorderMaxMilliseconds > 0 && random.chance(settings.disorderShare) {
            let delay = random.integer(in: 1...disorderMaxMilliseconds)
            truth.emissionDelay = .milliseconds(delay)
            emitAt += Int64(delay)
            heldBack.insert(sequence)
        }
        if emitAt == time {
            ready.append((transaction, truth, sequence))
        } else {
            emissions.insert(.transaction(transaction, truth, sequence: sequence), at: emitAt)
        }
        scheduleLabels(for: id, truth: truth, sequence: sequence, at: time)
        return newTo
    }

    /// Labels every fraud transaction and a share of the others; a share of labels is first
    /// wrong, then corrected.
    private mutating func scheduleLabels(for id: String, truth: GroundTruth, sequence: UInt64, at time: Int64) {
        guard truth.isFraud || random.chance(settings.legitimateLabelShare) else { return }
        let first = time + Int64((labelDelayMilliseconds * random.uniform(0.5, 1.5)).rounded())
        let right = Label(
            id: id, isFraud: truth.isFraud, fraudType: truth.isFraud ? truth.behaviour.rawValue : nil,
            labeledAt: EventTime(millisecondsSinceEpoch: first))
        guard random.chance(settings.correctionShare) else {
            emissions.insert(.label(right, transactionSequence: sequence), at: first)
            return
        }
        // An analyst's first verdict is wrong: fraud first cleared, or a look-alike first taken
        // for the pattern it resembles. The correction follows at least a minute later.
        let wrong = Label(
            id: id, isFraud: !truth.isFraud, fraudType: truth.isFraud ? nil : truth.behaviour.resembles?.rawValue,
            labeledAt: right.labeledAt)
        emissions.insert(.label(wrong, transactionSequence: sequence), at: first)
        var corrected = right
        let correctionDelay = max(labelDelayMilliseconds, 60_000) * random.uniform(1, 2)
        let correctedAt = first + Int64(correctionDelay.rounded())
        corrected.labeledAt = EventTime(millisecondsSinceEpoch: correctedAt)
        emissions.insert(.label(corrected, transactionSequence: sequence), at: correctedAt)
    }

    /// Cents as currency units; exact to the cent in the shortest decimal form.
    @inline(__always)
    static func units(_ cents: Int64) -> Double {
        Double(cents) / 100
    }

    /// Currency units rounded to whole cents, at least one cent.
    @inline(__always)
    static func cents(_ units: Double) -> Int64 {
        max(1, Int64((units * 100).rounded()))
    }
}
