import Foundation

/// RFC 3339 times as the JSON endpoints read and write them: UTC with milliseconds on output,
/// any offset and precision on input.
enum DashboardTime {
    /// `date` as `2026-01-01T12:00:00.000Z`.
    static func format(_ date: Date) -> String {
        date.formatted(outputStyle)
    }

    /// Reads `2026-01-01T12:00:00Z`, `2026-01-01T12:00:00.25Z` or `2026-01-01T14:00:00+02:00`;
    /// nil for anything else (a date alone, a space instead of `T`, no offset).
    static func parse(_ text: String) -> Date? {
        // The full form only: the parsers below also accept looser shapes we do not document.
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
        else { return nil }
        // The parsers roll 25:00 or February 30 over into the next day: refuse them here.
        func number(_ range: Range<Int>) -> Int? {
            let digits = bytes[range]
            guard digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
            return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), hour < 24, minute < 60, second < 60
        else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { return nil }
        let normalised = text.uppercased()
        if let date = try? wholeSecondsStyle.parse(normalised) { return date }
        return try? fractionalStyle.parse(normalised)
    }

    private static let outputStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!)
    private static let wholeSecondsStyle = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!)
    private static let fractionalStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!)
}
