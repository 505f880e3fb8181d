import Foundation

/// The customers' daily paces, discretised into log-spaced classes, and the contiguous index
/// ranges of one population's accounts in each class.
///
/// An account's pace (payments per day) follows a log-normal distribution with median 4 and
/// σ = 1.0, clamped to [0.2, 300]. The range is cut into ``count`` classes of equal width in
/// log space; each class's pace is the mean of the clamped distribution over the class, so the
/// classes' mean is exactly the distribution's mean, ``meanPaymentsPerDay``. A population of N
/// accounts gives class k the indices from N × (share of classes below k), rounded, onwards:
/// nothing per account is stored, and drawing an account in proportion to its pace is a draw
/// of a class in proportion to (accounts × pace), then a uniform index in it.
struct PaceClasses: Sendable {
    /// How many classes the pace range is cut into; adjacent classes differ by about 26 %.
    static let count = 32
    static let median = 4.0
    static let sigma = 1.0
    static let minimum = 0.2
    static let maximum = 300.0

    /// The share of accounts in each class and the class's pace, in payments per day.
    static let table: (shares: [Double], paces: [Double]) = {
        // With X log-normal (median m, shape s): P(X ≤ x) = Φ(ln(x/m)/s) and
        // E[X; X ≤ x] = m·e^(s²/2)·Φ((ln(x/m) − s²)/s).
        func phi(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }
        func cdf(_ x: Double) -> Double { phi(log(x / median) / sigma) }
        func partialMean(_ x: Double) -> Double { median * exp(sigma * sigma / 2) * phi((log(x / median) - sigma * sigma) / sigma) }
        var shares: [Double] = []
        var paces: [Double] = []
        for k in 0..<count {
            let low = minimum * pow(maximum / minimum, Double(k) / Double(count))
            let high = minimum * pow(maximum / minimum, Double(k + 1) / Double(count))
            var share = cdf(high) - cdf(low)
            var mass = partialMean(high) - partialMean(low)
            if k == 0 {  // the clamp puts everything below the minimum at the minimum
                share += cdf(minimum)
                mass += minimum * cdf(minimum)
            }
            if k == count - 1 {
                share += 1 - cdf(maximum)
                mass += maximum * (1 - cdf(maximum))
            }
            shares.append(share)
            paces.append(mass / share)
        }
        return (shares, paces)
    }()

    /// The mean pace over all accounts, in payments per day: the mean of the clamped
    /// log-normal, m·e^(σ²/2)·[Φ((ln(300/m) − σ²)/σ) − Φ((ln(0.2/m) − σ²)/σ)] + 0.2·P(X < 0.2)
    /// + 300·P(X > 300) ≈ 6.594 (e^0.5 · 4 = 6.595 without the clamp).
    static let meanPaymentsPerDay: Double = zip(table.shares, table.paces).reduce(0) { $0 + $1.0 * $1.1 }

    /// Where each class's accounts start; class k holds `firstIndex[k] ..< firstIndex[k + 1]`.
    let firstIndex: [Int]
    /// Running sum over the classes of accounts × pace: the weight of drawing each class.
    let cumulativeWeight: [Double]

    /// Assigns the `accounts` indices to the classes in proportion to the class shares.
    init(accounts: Int) {
        var first = [0]
        var cumulativeShare = 0.0
        for share in Self.table.shares.dropLast() {
            cumulativeShare += share
            first.append(min(accounts, Int((Double(accounts) * cumulativeShare).rounded())))
        }
        first.append(accounts)
        firstIndex = first
        var sum = 0.0
        cumulativeWeight = (0..<Self.count).map { k in
            sum += Double(first[k + 1] - first[k]) * Self.table.paces[k]
            return sum
        }
    }

    /// The class holding account `index`.
    func paceClass(of index: Int) -> Int {
        var low = 0
        var high = Self.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if firstIndex[middle] <= index { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// The pace of account `index`, in payments per day.
    func pace(of index: Int) -> Double {
        Self.table.paces[paceClass(of: index)]
    }

    /// An account drawn in proportion to its pace.
    func draw(_ random: inout Xoshiro256StarStar) -> Int {
        let target = random.unit() * cumulativeWeight[Self.count - 1]
        var k = 0
        while k < Self.count - 1 && cumulativeWeight[k] <= target { k += 1 }
        // Skip classes the rounding left empty (their weight did not grow the sum).
        while firstIndex[k + 1] == firstIndex[k] && k > 0 { k -= 1 }
        return firstIndex[k] + random.index(below: firstIndex[k + 1] - firstIndex[k])
    }
}
