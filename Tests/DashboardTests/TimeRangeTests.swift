import Foundation
import Testing
@testable import Dashboard

@Suite("Time ranges and times, as values")
struct TimeRangeTests {
    static let rules = DashboardTimeRange.Rules(bucketSeconds: 900, defaultMinutes: 60, maximumMinutes: 600)

    func resolve(_ query: [(String, String)], end: String = "2026-03-01T12:44:00Z") async throws -> DashboardTimeRange {
        let parameters = try DashboardQueryParameters(query.map { (key: $0.0, value: $0.1) }, accepted: DashboardTimeRange.parameterNames)
        return try await DashboardTimeRange.resolve(parameters, rules: Self.rules) { try #require(DashboardTime.parse(end)) }
    }

    func text(_ range: DashboardTimeRange) -> String {
        "\(DashboardTime.format(range.fromDate))…\(DashboardTime.format(range.toDate))"
    }

    @Test("every combination of from, to and minutes, widened to whole buckets")
    func combinations() async throws {
        #expect(text(try await resolve([])) == "2026-03-01T11:45:00.000Z…2026-03-01T12:45:00.000Z")
        #expect(text(try await resolve([("minutes", "20")])) == "2026-03-01T12:15:00.000Z…2026-03-01T12:45:00.000Z")
        #expect(text(try await resolve([("from", "2026-03-01T10:07:00Z")])) == "2026-03-01T10:00:00.000Z…2026-03-01T12:45:00.000Z")
        #expect(text(try await resolve([("from", "2026-03-01T10:07:00Z"), ("minutes", "10")])) == "2026-03-01T10:00:00.000Z…2026-03-01T10:30:00.000Z")
        #expect(text(try await resolve([("to", "2026-03-01T10:00:00Z")])) == "2026-03-01T09:00:00.000Z…2026-03-01T10:00:00.000Z")
        #expect(text(try await resolve([("to", "2026-03-01T10:00:01Z"), ("minutes", "15")])) == "2026-03-01T10:00:00.000Z…2026-03-01T10:15:00.000Z")
        #expect(text(try await resolve([("from", "2026-03-01T10:00:00Z"), ("to", "2026-03-01T10:00:00.001Z")])) == "2026-03-01T10:00:00.000Z…2026-03-01T10:15:00.000Z")
    }

    @Test("buckets before 1970 round down too")
    func beforeEpoch() {
        #expect(DashboardTimeRange.floorToBucket(-5, 10) == -10)
        #expect(DashboardTimeRange.floorToBucket(-10, 10) == -10)
        #expect(DashboardTimeRange.floorToBucket(5.5, 10) == 0)
        #expect(DashboardTimeRange.floorToBucket(19.99, 10) == 10)
    }

    @Test("RFC 3339 in, with offsets and fractions; UTC with milliseconds out")
    func times() throws {
        #expect(DashboardTime.parse("2026-03-01T12:00:00Z").map(DashboardTime.format) == "2026-03-01T12:00:00.000Z")
        #expect(DashboardTime.parse("2026-03-01t12:00:00z").map(DashboardTime.format) == "2026-03-01T12:00:00.000Z")
        #expect(DashboardTime.parse("2026-03-01T12:00:00.25Z").map(DashboardTime.format) == "2026-03-01T12:00:00.250Z")
        #expect(DashboardTime.parse("2026-03-01T14:30:00+02:30").map(DashboardTime.format) == "2026-03-01T12:00:00.000Z")
        #expect(DashboardTime.parse("2026-03-01T10:00:00.5-02:00").map(DashboardTime.format) == "2026-03-01T12:00:00.500Z")
        for bad in ["2026-03-01", "2026-03-01 12:00:00Z", "2026-03-01T12:00:00", "12:00", "", "2026-13-01T12:00:00Z", "2026-03-01T25:00:00Z", "2026-02-29T12:00:00Z", "2026-03-01T12:60:00Z"] {
            #expect(DashboardTime.parse(bad) == nil, "\(bad)")
        }
    }
}
