import Foundation

/// The simulated customers and merchants, with the state that must stay consistent: balances.
///
/// Nothing is stored per customer up front: every static attribute of customer *i* (pace,
/// daily rhythm, habitual payment, starting balance, payees) is a pure function of the seed
/// and *i* (``CustomerProfile``), so a population of tens of millions costs nothing until its
/// accounts are used. Only accounts touched so far have state: their balance (from the
/// starting balance at first touch) and, while a scenario drains them, a lock. Memory grows
/// with the accounts touched, never with the population's size.
///
/// Merchants have only an identifier: like PaySim, merchant balances are reported as 0 before
/// and after every transaction. Balances are kept in integer cents so that
/// `old - amount == new` holds exactly.
struct Population: Sendable {
    /// How many customers there are.
    let customerCount: Int
    /// Merchant identifiers, preformatted (`M` and nine digits).
    let merchantIDs: [String]
    /// The classes of daily pace and which accounts are in each.
    let paces: PaceClasses
    /// The key every customer attribute is derived from.
    let profileKey: UInt64
    /// Balances of the customers touched so far, in cents.
    private var touchedBalances: [Int: Int64] = [:]
    /// Customers whose balance a running scenario is draining; normal traffic leaves them alone.
    var locked: Set<Int> = []
    /// Added to scrambled account numbers so that different seeds name accounts differently.
    private let customerOffset: UInt64
    /// How many never-seen accounts have been named so far.
    private var freshCount: UInt64 = 0

    init(customers: Int, merchants: Int, random: inout Xoshiro256StarStar) {
        precondition(customers < 1 << 28, "customer indices must stay below 2^28 so that names never collide")
        customerCount = customers
        customerOffset = random.next() & Self.numberMask
        let merchantOffset = random.next() & Self.numberMask
        merchantIDs = (0..<merchants).map { Self.accountName(prefix: "M", index: UInt64($0), offset: merchantOffset) }
        profileKey = random.next()
        paces = PaceClasses(accounts: customers)
    }

    /// The static attributes of customer `index`.
    @inline(__always)
    func profile(_ index: Int) -> CustomerProfile {
        CustomerProfile(key: profileKey, index: index, customers: customerCount)
    }

    /// The current balance of customer `index`, in cents.
    @inline(__always)
    func balance(_ index: Int) -> Int64 {
        touchedBalances[index] ?? profile(index).startingBalanceCents
    }

    /// Sets the balance of customer `index`, in cents.
    @inline(__always)
    mutating func setBalance(_ index: Int, _ cents: Int64) {
        touchedBalances[index] = cents
    }

    /// How many customers have had a transaction so far (each costs one dictionary entry).
    var touchedCount: Int { touchedBalances.count }

    @inline(__always)
    func isLocked(_ index: Int) -> Bool {
        !locked.isEmpty && locked.contains(index)
    }

    /// A customer drawn in proportion to their activity at `time`: pace × rhythm. A customer
    /// is drawn in proportion to pace, then kept with probability rhythm (at most 1, at the
    /// peak hour), else drawn again; on average about 2.2 draws.
    func activeCustomer(at time: Int64, _ random: inout Xoshiro256StarStar) -> Int {
        let hour = CustomerProfile.hourOfDay(time)
        while true {
            let candidate = paces.draw(&random)
            if random.unit() < profile(candidate).rhythm(atHour: hour) { return candidate }
        }
    }

    /// An unlocked customer drawn by activity with at least `minimumCents`, or `nil` after a few tries.
    func unlockedActiveCustomer(at time: Int64, _ random: inout Xoshiro256StarStar, minimumCents: Int64 = 0) -> Int? {
        for _ in 0..<8 {
            let candidate = activeCustomer(at: time, &random)
            if !isLocked(candidate) && balance(candidate) >= minimumCents { return candidate }
        }
        return nil
    }

    /// An unlocked customer drawn uniformly with at least `minimumCents`, or `nil` after a few tries.
    func unlockedAnyCustomer(_ random: inout Xoshiro256StarStar, minimumCents: Int64) -> Int? {
        for _ in 0..<16 {
            let candidate = random.index(below: customerCount)
            if !isLocked(candidate) && balance(candidate) >= minimumCents { return candidate }
        }
        return nil
    }

    /// A merchant drawn uniformly.
    func merchant(_ random: inout Xoshiro256StarStar) -> String {
        merchantIDs[random.index(below: merchantIDs.count)]
    }

    /// The name of customer `index` (`C` and nine digits).
    @inline(__always)
    func customerName(_ index: Int) -> String {
        Self.accountName(prefix: "C", index: UInt64(index), offset: customerOffset)
    }

    /// The customer named `name`, or `nil` for a merchant, a never-seen account or a name
    /// from another seed: the inverse of ``customerName(_:)`` (for tests and tools).
    func customerIndex(named name: String) -> Int? {
        guard name.hasPrefix("C"), let number = UInt64(name.dropFirst()), number >= 100_000_000 else { return nil }
        let scrambled = (number - 100_000_000) & Self.numberMask
        let index = ((scrambled &* Self.inverseMultiplier) &- customerOffset) & Self.numberMask
        return index < UInt64(customerCount) ? Int(index) : nil
    }

    /// The name of an account that has never appeared before and never will again.
    mutating func freshAccount() -> String {
        defer { freshCount += 1 }
        return Self.accountName(prefix: "C", index: UInt64(customerCount) + freshCount, offset: customerOffset)
    }

    private static let numberMask: UInt64 = (1 << 29) - 1
    private static let multiplier: UInt64 = 0x9E37_79B1
    /// The inverse of ``multiplier`` modulo 2^29 (Newton's iteration doubles the correct bits).
    private static let inverseMultiplier: UInt64 = {
        var inverse = multiplier
        for _ in 0..<5 { inverse = inverse &* (2 &- multiplier &* inverse) }
        return inverse & numberMask
    }()

    /// `prefix` and a nine-digit number that is a bijection of `index` (for indices below 2^29),
    /// so names look random yet never collide.
    @inline(__always)
    private static func accountName(prefix: String, index: UInt64, offset: UInt64) -> String {
        let scrambled = ((index &+ offset) &* multiplier) & numberMask
        return prefix + String(100_000_000 + scrambled)
    }
}
