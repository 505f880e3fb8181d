import Foundation

/// The default end of the event-time endpoints: just after the latest event time scored, so a
/// replay or a simulated clock far from today still shows its data; the current time while
/// nothing has been scored.
struct LatestEventTime: Sendable {
    /// The schema to read.
    let schema: String

    /// The end, read with the index on `event_time` (one index probe).
    /// - Parameters:
    ///   - database: The database.
    ///   - now: The answer when the table is empty.
    func end(on database: DashboardDatabase, now: Date) async throws -> Date {
        let rows = try await database.query("SELECT max(event_time) FROM \(schema).scored_transactions")
        guard let latest = try rows.first?[0, as: Date?.self] else { return now }
        // The range excludes its end: a millisecond past the latest event keeps it inside.
        return latest + 0.001
    }
}
