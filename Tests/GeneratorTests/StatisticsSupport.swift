import Foundation

/// Tests that measure the process's resident memory hold this, and so do the tests that build
/// large samples, so that one's allocations do not show up in the other's measurement.
let memoryMeasurementLock = NSLock()

/// Two-sided z for 99.9 %: the tolerances of the statistical tests are this many standard
/// errors, computed from the sample sizes, so they do not depend on the machine.
let zTolerance = 3.29

/// A distribution-free confidence interval for the `q`-quantile of `sorted`: the order
/// statistics at ranks n·q ± z·√(n·q·(1−q)) (the binomial spread of the rank).
func quantileInterval(_ sorted: [Double], _ q: Double) -> ClosedRange<Double> {
    let n = Double(sorted.count)
    let spread = zTolerance * (n * q * (1 - q)).squareRoot()
    let low = max(0, Int((n * q - spread).rounded(.down)))
    let high = min(sorted.count - 1, Int((n * q + spread).rounded(.up)))
    return sorted[low]...sorted[high]
}

/// The `q`-quantile of `sorted` (nearest rank).
func quantile(_ sorted: [Double], _ q: Double) -> Double {
    sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]
}

/// Whether two proportions agree within ``zTolerance`` standard errors of their difference.
func proportionsAgree(_ a: (hits: Int, of: Int), _ b: (hits: Int, of: Int)) -> Bool {
    let pa = Double(a.hits) / Double(a.of)
    let pb = Double(b.hits) / Double(b.of)
    let pooled = Double(a.hits + b.hits) / Double(a.of + b.of)
    let error = (pooled * (1 - pooled) * (1 / Double(a.of) + 1 / Double(b.of))).squareRoot()
    return abs(pa - pb) <= zTolerance * error
}

/// Whether two sample means agree within ``zTolerance`` standard errors of their difference.
func meansAgree(_ a: [Double], _ b: [Double]) -> Bool {
    func moments(_ x: [Double]) -> (mean: Double, varianceOfMean: Double) {
        let mean = x.reduce(0, +) / Double(x.count)
        let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count - 1)
        return (mean, variance / Double(x.count))
    }
    let (ma, va) = moments(a)
    let (mb, vb) = moments(b)
    return abs(ma - mb) <= zTolerance * (va + vb).squareRoot()
}

/// The mean of `values`.
func mean(_ values: [Double]) -> Double {
    values.reduce(0, +) / Double(values.count)
}

/// Resident memory of this process, in bytes (from /proc/self/statm).
func residentBytes() throws -> Int {
    let fields = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8).split(separator: " ")
    return Int(fields[1])! * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Whether `hits` out of `of` agrees with the probability `expected` within ``zTolerance``
/// standard errors of a binomial proportion.
func proportionMatches(_ hits: Int, of count: Int, expected: Double) -> Bool {
    abs(Double(hits) / Double(count) - expected) <= zTolerance * (expected * (1 - expected) / Double(count)).squareRoot()
}
