#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The logistic function, `1 / (1 + e^-margin)`.
@inline(__always)
func sigmoid(_ margin: Double) -> Double {
    1 / (1 + exp(-margin))
}

/// The inverse of ``sigmoid(_:)``: the margin of probability `p`, `log(p / (1 - p))`.
func logit(_ probability: Double) -> Double {
    log(probability / (1 - probability))
}

/// The natural logarithm, re-exported so other files need not import the C library.
@inline(__always)
func naturalLog(_ value: Double) -> Double {
    log(value)
}
