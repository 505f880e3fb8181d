/// A fast, seedable pseudo-random number generator (xoshiro256**), seeded through SplitMix64.
///
/// The generator behind every random choice of the simulator: the same seed yields the same
/// sequence on every platform and Swift version, which is what makes `--seed` reproduce a
/// stream byte for byte. It is not cryptographically secure.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Creates a generator whose whole sequence is determined by `seed`.
    ///
    /// The 256-bit state is filled from SplitMix64 applied to the seed, as the authors of
    /// xoshiro recommend, so seeds that differ in one bit still give unrelated sequences.
    /// - Parameter seed: Any value; `0` is fine.
    public init(seed: UInt64) {
        var mixer = seed
        s0 = Self.splitMix64(&mixer)
        s1 = Self.splitMix64(&mixer)
        s2 = Self.splitMix64(&mixer)
        s3 = Self.splitMix64(&mixer)
    }

    /// Returns the next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) <<< 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 <<< 45
        return result
    }

    /// One step of SplitMix64: advances `state` and returns a well-mixed value derived from it.
    ///
    /// - Parameter state: The running state; advanced by a fixed odd constant.
    public static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

infix operator <<< : BitwiseShiftPrecedence

extension UInt64 {
    @inline(__always)
    fileprivate static func <<< (value: UInt64, count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }
}
