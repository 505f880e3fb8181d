import Foundation

/// The simulated customers and merchants, with the state that must stay consistent: balances.
///
/// Customers have a balance (heavy-tailed, log-normal), a habitual payment size (log-normal),
/// an activity weight (power law over a shuffled ranking, so a few accounts are busy and most
/// are quiet) and a handful of known payees. Merchants have only an identifier: like PaySim,
/// merchant balances are reported as 0 before and after every transaction.
///
/// Balances are kept in integer cents so that `old - amount == new` holds exactly.
struct Population: Sendable {
    /// Customer identifiers, preformatted (`C` and nine digits).
    let customerIDs: [String]
    /// Merchant identifiers, preformatted (`M` and nine digits).
    let merchantIDs: [String]
    /// Current balance of each customer, in cents.
    var balances: [Int64]
    /// Habitual payment size of each customer, in currency units.
    let habits: [Double]
    /// People each customer has paid before (indices into the customers).
    let payees: [[Int32]]
    /// Customers whose balance a running scenario is draining; normal traffic leaves them alone.
    var locked: [Bool]
    /// Running sum of activity weights, for drawing a customer in proportion to activity.
    private let cumulativeActivity: [Double]
    /// Added to scrambled account numbers so that different seeds name accounts differently.
    private let numberOffset: UInt64
    /// How many never-seen accounts have been named so far.
    private var freshCount: UInt64 = 0

    /// The power-law exponent of activity: weight ∝ rank^-0.8 gives the busiest of 10,000
    /// accounts about 3 % of the traffic while the median account is rarely active.
    static let activityExponent = 0.8

    init(customers: Int, merchants: Int, random: inout Xoshiro256StarStar) {
        numberOffset = random.next() & Self.numberMask
        var offset = numberOffset
        customerIDs = (0..<customers).map { Self.accountName(prefix: "C", index: UInt64($0), offset: offset) }
        offset = random.next() & Self.numberMask
        merchantIDs = (0..<merchants).map { Self.accountName(prefix: "M", index: UInt64($0), offset: offset) }
        balances = (0..<customers).map { _ in
            Int64((random.logNormal(median: 2_000, sigma: 1.2) * 100).rounded())
        }
        habits = (0..<customers).map { _ in random.logNormal(median: 60, sigma: 0.8) }
        payees = (0..<customers).map { own in
            let count = random.integer(in: 2...6)
            var chosen: [Int32] = []
            while chosen.count < count {
                let candidate = Int32(random.index(below: customers))
                if Int(candidate) != own && !chosen.contains(candidate) { chosen.append(candidate) }
            }
            return chosen
        }
        locked = Array(repeating: false, count: customers)
        // Ranks are shuffled so that activity is unrelated to an account's number or balance.
        var ranks = Array(1...customers)
        for index in stride(from: customers - 1, to: 0, by: -1) {
            ranks.swapAt(index, random.index(below: index + 1))
        }
        var sum = 0.0
        cumulativeActivity = ranks.map { rank in
            sum += 1 / pow(Double(rank), Self.activityExponent)
            return sum
        }
    }

    var customerCount: Int { customerIDs.count }

    /// A customer drawn in proportion to activity.
    func busyCustomer(_ random: inout Xoshiro256StarStar) -> Int {
        let target = random.unit() * cumulativeActivity[cumulativeActivity.count - 1]
        var low = 0
        var high = cumulativeActivity.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulativeActivity[middle] <= target { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// An unlocked customer drawn in proportion to activity, or `nil` after a few tries.
    func unlockedBusyCustomer(_ random: inout Xoshiro256StarStar, minimumCents: Int64 = 0) -> Int? {
        for _ in 0..<8 {
            let candidate = busyCustomer(&random)
            if !locked[candidate] && balances[candidate] >= minimumCents { return candidate }
        }
        return nil
    }

    /// An unlocked customer drawn uniformly with at least `minimumCents`, or `nil` after a few tries.
    func unlockedAnyCustomer(_ random: inout Xoshiro256StarStar, minimumCents: Int64) -> Int? {
        for _ in 0..<16 {
            let candidate = random.index(below: customerCount)
            if !locked[candidate] && balances[candidate] >= minimumCents { return candidate }
        }
        return nil
    }

    /// A merchant drawn uniformly.
    func merchant(_ random: inout Xoshiro256StarStar) -> String {
        merchantIDs[random.index(below: merchantIDs.count)]
    }

    /// The name of an account that has never appeared before and never will again.
    mutating func freshAccount() -> String {
        defer { freshCount += 1 }
        return Self.accountName(prefix: "C", index: UInt64(customerCount) + freshCount, offset: numberOffset)
    }

    private static let numberMask: UInt64 = (1 << 29) - 1

    /// `prefix` and a nine-digit number that is a bijection of `index` (for indices below 2^29),
    /// so names look random yet never collide.
    private static func accountName(prefix: String, index: UInt64, offset: UInt64) -> String {
        let scrambled = ((index &+ offset) &* 0x9E37_79B1) & numberMask
        return prefix + String(100_000_000 + scrambled)
    }
}
