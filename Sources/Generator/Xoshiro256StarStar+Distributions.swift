import Foundation

/// The distributions the simulator draws from. Written out here rather than taken from the
/// standard library so that the sequence of values for a seed never changes with a toolchain.
extension Xoshiro256StarStar {
    /// A uniform value in [0, 1) with 53 random bits.
    @inline(__always)
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform value in [lower, upper).
    @inline(__always)
    mutating func uniform(_ lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * unit()
    }

    /// A uniform integer in `range`, without modulo bias worth caring about (64 random bits).
    @inline(__always)
    mutating func integer(in range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(next().multipliedFullWidth(by: width).high)
    }

    /// A uniform index in `0..<count`.
    @inline(__always)
    mutating func index(below count: Int) -> Int {
        Int(next().multipliedFullWidth(by: UInt64(count)).high)
    }

    /// `true` with probability `probability`.
    @inline(__always)
    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    /// A standard normal value (Box–Muller; one of the pair is discarded to stay stateless).
    mutating func standardNormal() -> Double {
        let u1 = 1 - unit()  // in (0, 1], so the logarithm is finite
        let u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A log-normal value with the given median (e^mu) and shape sigma.
    mutating func logNormal(median: Double, sigma: Double) -> Double {
        median * exp(sigma * standardNormal())
    }

    /// A Pareto value with minimum `scale` and tail index `alpha` (heavier tail for smaller alpha).
    mutating func pareto(scale: Double, alpha: Double) -> Double {
        scale / pow(1 - unit(), 1 / alpha)
    }
}
