/// Reads and writes RFC 3339 date-times as epoch milliseconds, on the proleptic Gregorian calendar.
///
/// Accepted: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`, with `t` and `z` also
/// in lower case and any number of fraction digits (truncated to milliseconds).
/// Not accepted: leap seconds (second 60), a missing time zone, a space instead of `T`.
enum RFC3339 {
    static let millisecondsPerDay: Int64 = 86_400_000
    /// 0000-01-01T00:00:00.000Z.
    static let minimumMilliseconds: Int64 = -62_167_219_200_000
    /// 9999-12-31T23:59:59.999Z.
    static let maximumMilliseconds: Int64 = 253_402_300_799_999
    static let millisecondRange = minimumMilliseconds...maximumMilliseconds

    /// The epoch milliseconds of the date-time in `text`, or `nil` if it is not valid RFC 3339 in range.
    static func parse(_ text: UnsafeRawBufferPointer) -> Int64? {
        // The fixed-width part: YYYY-MM-DDTHH:MM:SS is 19 bytes, and a zone needs at least one more.
        guard text.count >= 20,
            text[4] == UInt8(ascii: "-"), text[7] == UInt8(ascii: "-"),
            text[10] == UInt8(ascii: "T") || text[10] == UInt8(ascii: "t"),
            text[13] == UInt8(ascii: ":"), text[16] == UInt8(ascii: ":"),
            let year = digits(text, 0, 4), let month = digits(text, 5, 2), let day = digits(text, 8, 2),
            let hour = digits(text, 11, 2), let minute = digits(text, 14, 2), let second = digits(text, 17, 2),
            (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
            hour < 24, minute < 60, second < 60
        else { return nil }

        var index = 19
        var millisecond: Int64 = 0
        if text[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < text.count, let digit = digitValue(text[index]) {
                if index - fractionStart < 3 {
                    millisecond = millisecond * 10 + digit
                }
                index += 1
            }
            let fractionDigits = index - fractionStart
            guard fractionDigits > 0 else { return nil }
            for _ in fractionDigits..<max(fractionDigits, 3) {
                millisecond *= 10
            }
        }

        guard index < text.count else { return nil }
        var offsetMinutes: Int64 = 0
        switch text[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == text.count, text[index + 3] == UInt8(ascii: ":"),
                let offsetHour = digits(text, index + 1, 2), let offsetMinute = digits(text, index + 4, 2),
                offsetHour < 24, offsetMinute < 60
            else { return nil }
            let magnitude = offsetHour * 60 + offsetMinute
            offsetMinutes = text[index] == UInt8(ascii: "-") ? -magnitude : magnitude
            index += 6
        default:
            return nil
        }
        guard index == text.count else { return nil }

        let days = daysSinceEpoch(year: year, month: month, day: day)
        let secondsOfDay = (hour * 60 + minute - offsetMinutes) * 60 + second
        let result = days * millisecondsPerDay + secondsOfDay * 1000 + millisecond
        return millisecondRange.contains(result) ? result : nil
    }

    /// Appends `"YYYY-MM-DDTHH:MM:SS.mmmZ"` (24 bytes, no quotes) for `milliseconds` since the epoch.
    static func format(_ milliseconds: Int64, into buffer: inout [UInt8]) {
        let (days, millisecondOfDay) = floorDivision(milliseconds, millisecondsPerDay)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        let secondOfDay = millisecondOfDay / 1000
        appendDigits(year, count: 4, to: &buffer)
        buffer.append(UInt8(ascii: "-"))
        appendDigits(month, count: 2, to: &buffer)
        buffer.append(UInt8(ascii: "-"))
        appendDigits(day, count: 2, to: &buffer)
        buffer.append(UInt8(ascii: "T"))
        appendDigits(secondOfDay / 3600, count: 2, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
        appendDigits(secondOfDay / 60 % 60, count: 2, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
        appendDigits(secondOfDay % 60, count: 2, to: &buffer)
        buffer.append(UInt8(ascii: "."))
        appendDigits(millisecondOfDay % 1000, count: 3, to: &buffer)
        buffer.append(UInt8(ascii: "Z"))
    }

    // MARK: Calendar arithmetic
    //
    // Years are counted from March, so that the leap day falls at the end of a year,
    // in 400-year eras of 146_097 days. Day 0 is 1970-01-01, which is day 719_468
    // counted from 0000-03-01.

    private static let daysFromYearZeroMarchToEpoch: Int64 = 719_468
    private static let daysPerEra: Int64 = 146_097

    private static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let marchYear = month <= 2 ? year - 1 : year
        let era = floorDivision(marchYear, 400).quotient
        let yearOfEra = marchYear - era * 400
        let marchMonth = (month + 9) % 12
        let dayOfYear = (153 * marchMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * daysPerEra + dayOfEra - daysFromYearZeroMarchToEpoch
    }

    private static func civilDate(daysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let (era, dayOfEra) = floorDivision(days + daysFromYearZeroMarchToEpoch, daysPerEra)
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let marchMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * marchMonth + 2) / 5 + 1
        let month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2:
            let isLeap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            return isLeap ? 29 : 28
        case 4, 6, 9, 11:
            return 30
        default:
            return 31
        }
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    // MARK: Digits

    private static func digitValue(_ byte: UInt8) -> Int64? {
        let value = byte &- UInt8(ascii: "0")
        return value < 10 ? Int64(value) : nil
    }

    private static func digits(_ text: UnsafeRawBufferPointer, _ start: Int, _ count: Int) -> Int64? {
        var value: Int64 = 0
        for index in start..<(start + count) {
            guard let digit = digitValue(text[index]) else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    private static func appendDigits(_ value: Int64, count: Int, to buffer: inout [UInt8]) {
        var divisor: Int64 = 1
        for _ in 1..<count {
            divisor *= 10
        }
        while divisor > 0 {
            buffer.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }
}
