import Testing

@testable import FraudCore

@Suite struct EventTimeTests {
    /// Days from 1970-01-01 to 1 January of each year 0...10000, counted one year at a time.
    static let daysBeforeYear: [Int64] = {
        func isLeap(_ year: Int64) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }
        var days: [Int64] = Array(repeating: 0, count: 10_001)
        var total: Int64 = 0
        for year in Int64(0)..<10_000 {
            days[Int(year)] = total
            total += isLeap(year) ? 366 : 365
        }
        days[10_000] = total
        let epochOffset = days[1970]
        return days.map { $0 - epochOffset }
    }()

    /// A slow, obvious reference for the canonical text of a time.
    static func referenceText(_ milliseconds: Int64) -> String {
        var days = milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds + 1) / 86_400_000 - 1
        let millisecondOfDay = milliseconds - days * 86_400_000
        var year = 0
        while daysBeforeYear[year + 1] <= days { year += 1 }
        days -= daysBeforeYear[year]
        let isLeap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let monthLengths: [Int64] = [31, isLeap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        var month = 0
        while days >= monthLengths[month] {
            days -= monthLengths[month]
            month += 1
        }
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: width - text.count) + text
        }
        let second = millisecondOfDay / 1000
        return "\(pad(Int64(year), 4))-\(pad(Int64(month + 1), 2))-\(pad(days + 1, 2))T"
            + "\(pad(second / 3600, 2)):\(pad(second / 60 % 60, 2)):\(pad(second % 60, 2)).\(pad(millisecondOfDay % 1000, 3))Z"
    }

    @Test func formatsLikeTheReferenceAcrossTheWholeRange() {
        var random = SeededGenerator(seed: 0x7469_6D65)
        for _ in 0..<3000 {
            let time = random.eventTime()
            let text = time.description
            #expect(text == Self.referenceText(time.millisecondsSinceEpoch))
            #expect(EventTime(rfc3339: text) == time)
        }
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"),
        (4_107_542_400_000, "2100-03-01T00:00:00.000Z"),
        (-62_167_219_200_000, "0000-01-01T00:00:00.000Z"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
    ])
    func knownInstants(milliseconds: Int64, text: String) {
        #expect(EventTime(millisecondsSinceEpoch: milliseconds).description == text)
        #expect(EventTime(rfc3339: text)?.millisecondsSinceEpoch == milliseconds)
    }

    @Test func boundsAreTheRFC3339Range() {
        #expect(EventTime.minimum.description == "0000-01-01T00:00:00.000Z")
        #expect(EventTime.maximum.description == "9999-12-31T23:59:59.999Z")
        #expect(EventTime(rfc3339: "9999-12-31T23:59:59.999-00:01") == nil)
    }

    @Test func ordersByTime() {
        #expect(EventTime(millisecondsSinceEpoch: -5) < EventTime(millisecondsSinceEpoch: 3))
        #expect(!(EventTime.maximum < EventTime.minimum))
    }

    @Test func truncatesSubMillisecondFractionsTowardThePast() {
        #expect(EventTime(rfc3339: "1969-12-31T23:59:59.9999Z")?.millisecondsSinceEpoch == -1)
        #expect(EventTime(rfc3339: "2026-01-01T00:00:00.0001+01:00")?.description == "2025-12-31T23:00:00.000Z")
    }
}
