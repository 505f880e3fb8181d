import Foundation

/// The static attributes of one customer, derived on demand from a stateless hash of the
/// population's key and the customer's index: the same customer always gets the same values,
/// and none of them is stored.
///
/// - Daily rhythm: a peak hour, uniform over the day, with activity ∝
///   0.2 + 0.8·exp(−d²/(2·3²)), d the circular distance in hours from the peak (about 5× busier
///   at the peak than at night). Peaks are spread evenly, so the network as a whole is flat.
/// - Habitual payment: log-normal, median 60, σ = 0.8.
/// - Starting balance: log-normal, median 2,000, σ = 1.2.
/// - 2 to 6 known payees (other customers: family, friends), spread over the population.
///
/// The pace (payments per day) is the customer's class in ``PaceClasses``.
struct CustomerProfile {
    let key: UInt64
    let index: Int
    let customers: Int

    @inline(__always)
    init(key: UInt64, index: Int, customers: Int) {
        self.key = key
        self.index = index
        self.customers = customers
    }

    /// Well-mixed bits for one attribute (`field`) of this customer.
    @inline(__always)
    private func bits(_ field: UInt64) -> UInt64 {
        var state = key ^ (UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03) ^ (field &* 0xA24B_AED4_963E_E407)
        return Xoshiro256StarStar.splitMix64(&state)
    }

    /// A uniform value in [0, 1) for one attribute.
    @inline(__always)
    private func unit(_ field: UInt64) -> Double {
        Double(bits(field) >> 11) * 0x1.0p-53
    }

    /// A standard normal value from two attributes' bits (Box–Muller).
    private func standardNormal(_ field: UInt64) -> Double {
        (-2 * log(1 - unit(field))).squareRoot() * cos(2 * Double.pi * unit(field + 1))
    }

    /// The hour of the day (UTC, fractional) at which the customer is busiest.
    var peakHour: Double { 24 * unit(1) }

    /// The habitual payment size, in currency units.
    var habit: Double { 60 * exp(0.8 * standardNormal(2)) }

    /// The balance before the customer's first transaction, in cents.
    var startingBalanceCents: Int64 { Int64((2_000 * exp(1.2 * standardNormal(4)) * 100).rounded()) }

    /// How many people the customer has paid before: 2 to 6.
    var payeeCount: Int { 2 + Int(bits(6) % 5) }

    /// The `number`-th known payee (`number < payeeCount`): distinct customers other than this
    /// one, at a hashed offset and stride from the customer's own index.
    func payee(_ number: Int) -> Int {
        let others = UInt64(customers - 1)
        let stride = 1 + bits(7) % Swift.max(1, others / 6)
        let offset = (bits(8) % others + UInt64(number) * stride) % others
        return (index + 1 + Int(offset)) % customers
    }

    /// Whether `other` is among the customer's known payees.
    func knowsPayee(_ other: Int) -> Bool {
        (0..<payeeCount).contains { payee($0) == other }
    }

    /// The relative activity at `hour` of the day: 1 at the peak hour, 0.2 + 0.8·e^(−4.5) ≈ 0.21
    /// twelve hours away.
    @inline(__always)
    func rhythm(atHour hour: Double) -> Double {
        var distance = abs(hour - peakHour)
        if distance > 12 { distance = 24 - distance }
        return 0.2 + 0.8 * exp(-distance * distance / 18)
    }

    /// The hour of the day (UTC, fractional) of an event time in milliseconds.
    @inline(__always)
    static func hourOfDay(_ milliseconds: Int64) -> Double {
        let day: Int64 = 86_400_000
        return Double(((milliseconds % day) + day) % day) / 3_600_000
    }
}
