import Foundation

/// Conversions between `Date` and PostgreSQL's timestamp representations.
enum PostgresTimestamp {
    /// Seconds from 1970-01-01 to 2000-01-01, PostgreSQL's timestamp epoch.
    private static let postgresEpochOffset: Double = 946_684_800

    /// The instant as microseconds since 2000-01-01 UTC, rounded to the nearest microsecond.
    /// Instants beyond PostgreSQL's range saturate to its `infinity` and `-infinity` values.
    static func microsecondsSince2000(_ date: Date) -> Int64 {
        let micros = ((date.timeIntervalSince1970 - postgresEpochOffset) * 1_000_000).rounded()
        if micros >= 9.2e18 { return .max }
        if micros <= -9.2e18 { return .min }
        return Int64(micros)
    }

    /// Parses the ISO output of `timestamp` and `timestamptz` (`DateStyle` ISO, the default):
    /// `2024-05-01 12:34:56.789+02`, `...+05:30`, `...-03:30:12`, or no offset (read as UTC).
    /// Returns nil for anything else, including `infinity` and BC dates.
    static func parse(_ text: String) -> Date? {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(minDigits: 4, maxDigits: 6), scanner.skip("-"),
              let month = scanner.number(minDigits: 2, maxDigits: 2), scanner.skip("-"),
              let day = scanner.number(minDigits: 2, maxDigits: 2), scanner.skip(" "),
              let hour = scanner.number(minDigits: 2, maxDigits: 2), scanner.skip(":"),
              let minute = scanner.number(minDigits: 2, maxDigits: 2), scanner.skip(":"),
              let second = scanner.number(minDigits: 2, maxDigits: 2),
              (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var micros: Int64 = 0
        if scanner.skip(".") {
            let start = scanner.position
            guard let fraction = scanner.number(minDigits: 1, maxDigits: 6) else { return nil }
            micros = fraction
            for _ in (scanner.position - start)..<6 { micros *= 10 }
        }
        var offsetSeconds: Int64 = 0
        if let sign = scanner.sign() {
            guard let hours = scanner.number(minDigits: 2, maxDigits: 2) else { return nil }
            var offset = hours * 3600
            if scanner.skip(":") {
                guard let minutes = scanner.number(minDigits: 2, maxDigits: 2) else { return nil }
                offset += minutes * 60
                if scanner.skip(":") {
                    guard let seconds = scanner.number(minDigits: 2, maxDigits: 2) else { return nil }
                    offset += seconds
                }
            }
            offsetSeconds = sign * offset
        }
        guard scanner.isAtEnd else { return nil }
        let days = daysSince1970(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds * 1_000_000 + micros) / 1_000_000)
    }

    /// Days from 1970-01-01 to the given proleptic Gregorian date.
    private static func daysSince1970(year: Int64, month: Int64, day: Int64) -> Int64 {
        // Count years from March, so the leap day is the last day of the counted year.
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let monthFromMarch = (month + 9) % 12
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// A cursor over ASCII bytes that reads fixed-width decimal fields.
private struct DigitScanner {
    private let bytes: [UInt8]
    private(set) var position = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { position == bytes.count }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
        position += 1
        return true
    }

    mutating func sign() -> Int64? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }

    mutating func number(minDigits: Int, maxDigits: Int) -> Int64? {
        var value: Int64 = 0
        var digits = 0
        while digits < maxDigits, position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
            value = value * 10 + Int64(bytes[position] - UInt8(ascii: "0"))
            position += 1
            digits += 1
        }
        return digits >= minDigits ? value : nil
    }
}
