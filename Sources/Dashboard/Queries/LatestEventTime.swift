import Foundation

/// The default end of the event-time endpoints: just after the latest event time scored, so a
/// replay or a simulated clock far from today still shows its data; the current time while
/// nothing has been scored.
struct LatestEventTime: Sendable {
    /// The schema to read.
    let schema: String

    /// The end: the end of the latest minute with scored rows in the `scored_minutes` rollup
    /// (its primary key read backwards). The endpoints round their end up to whole buckets of a
    /// minute or more, so this gives the same ranges as the latest event time itself would,
    /// without an index on `event_time` (the table has a BRIN index there, which cannot answer a
    /// `max`).
    /// - Parameters:
    ///   - database: The database.
    ///   - now: The answer when the table is empty.
    func end(on database: DashboardDatabase, now: Date) async throws -> Date {
        let rows = try await database.query("SELECT max(minute) FROM \(schema).scored_minutes WHERE scored > 0")
        guard let latest = try rows.first?[0, as: Date?.self] else { return now }
        // The range excludes its end: the minute's end keeps all of the minute inside.
        return latest + 60
    }
}
