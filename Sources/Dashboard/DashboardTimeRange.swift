import Foundation

/// The span an endpoint reports on, `[from, to)`, widened to whole buckets, from the `from`,
/// `to` and `minutes` parameters.
///
/// Any two of the three fix the range; `from` alone ends at the default end; `to` alone or
/// `minutes` alone reach back the default or given minutes; none gives the default minutes up
/// to the default end. The default end depends on the endpoint (the current time for wall-clock
/// series, the latest event time for event-time series), so it is asked for only when needed.
struct DashboardTimeRange: Sendable, Equatable {
    /// How an endpoint's range is chosen and bounded.
    struct Rules: Sendable {
        /// The coarsest bucket of the endpoint's series, in seconds: the range is widened to it.
        var bucketSeconds: Int64
        /// The span when the request gives no `minutes` and not both `from` and `to`.
        var defaultMinutes: Int
        /// The widest span accepted, which bounds the number of points in a response.
        var maximumMinutes: Int
    }

    /// The first second of the range, a multiple of the bucket since the Unix epoch.
    var from: Int64
    /// The first second after the range, a multiple of the bucket since the Unix epoch.
    var to: Int64

    /// The start of the range.
    var fromDate: Date { Date(timeIntervalSince1970: TimeInterval(from)) }
    /// The end of the range (excluded).
    var toDate: Date { Date(timeIntervalSince1970: TimeInterval(to)) }

    /// The names of the parameters this reads.
    static let parameterNames = ["from", "to", "minutes"]

    /// Resolves the request's range.
    /// - Parameters:
    ///   - parameters: The request's parameters.
    ///   - rules: The endpoint's bucket, default and limit.
    ///   - defaultEnd: The end used when the request gives no `to` and not both `from` and
    ///     `minutes`.
    /// - Throws: ``DashboardRequestError`` (400) for a bad value, all three parameters at once,
    ///   `from` not before `to`, or a span over the limit; what `defaultEnd` throws.
    static func resolve(
        _ parameters: DashboardQueryParameters, rules: Rules, defaultEnd: () async throws -> Date
    ) async throws -> DashboardTimeRange {
        let from = try parameters.time("from")
        let to = try parameters.time("to")
        let minutes = try parameters.integer("minutes", in: 1...rules.maximumMinutes, default: nil)
        let span = Int64(minutes ?? rules.defaultMinutes) * 60
        let bucket = rules.bucketSeconds
        func down(_ date: Date) -> Int64 { floorToBucket(date.timeIntervalSince1970, bucket) }
        func up(_ date: Date) -> Int64 { -floorToBucket(-date.timeIntervalSince1970, bucket) }
        // An end given or defaulted is widened first, so `minutes` back from it is whole buckets.
        let range: DashboardTimeRange
        var requestedSeconds = Double(span)
        switch (from, to, minutes) {
        case (.some, .some, .some):
            throw DashboardRequestError.badRequest("from, to, minutes: give at most two of them (from and to, or minutes with one of them, or minutes alone)")
        case (let from?, let to?, nil):
            guard from < to else { throw Self.reversed(from, to) }
            requestedSeconds = to.timeIntervalSince(from)
            range = DashboardTimeRange(from: down(from), to: up(to))
        case (let from?, nil, .some):
            range = DashboardTimeRange(from: down(from), to: up(from + TimeInterval(span)))
        case (let from?, nil, nil):
            let end = try await defaultEnd()
            guard from < end else { throw Self.reversed(from, end) }
            requestedSeconds = end.timeIntervalSince(from)
            range = DashboardTimeRange(from: down(from), to: up(end))
        case (nil, let to?, _):
            let end = up(to)
            range = DashboardTimeRange(from: floorToBucket(TimeInterval(end - span), bucket), to: end)
        case (nil, nil, _):
            let end = up(try await defaultEnd())
            range = DashboardTimeRange(from: floorToBucket(TimeInterval(end - span), bucket), to: end)
        }
        guard requestedSeconds <= Double(rules.maximumMinutes) * 60 else {
            throw DashboardRequestError.badRequest(
                "from, to: the range spans \(Int((requestedSeconds / 60).rounded(.up))) minutes; this endpoint accepts at most \(rules.maximumMinutes) (narrow from and to, or give minutes)")
        }
        return range
    }

    private static func reversed(_ from: Date, _ to: Date) -> DashboardRequestError {
        .badRequest("from: must be before to, got from=\(DashboardTime.format(from)) and to=\(DashboardTime.format(to))")
    }

    /// The start of every bucket of `seconds` in the range, in order.
    func bucketStarts(every seconds: Int64) -> StrideTo<Int64> {
        stride(from: from, to: to, by: Int(seconds))
    }

    /// `seconds` rounded down to a multiple of `bucket` (also for times before 1970).
    static func floorToBucket(_ seconds: TimeInterval, _ bucket: Int64) -> Int64 {
        let whole = Int64(seconds.rounded(.down))
        let remainder = whole % bucket
        return remainder < 0 ? whole - remainder - bucket : whole - remainder
    }
}
