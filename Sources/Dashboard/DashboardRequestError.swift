/// A request the dashboard's JSON endpoints refuse, with the HTTP status and a message that
/// names what was wrong and what is accepted.
///
/// The endpoints answer with the status and `{"error": "<message>"}`.
struct DashboardRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status code: 400 for a bad parameter, 404 for an unknown path, 503 when the
    /// database cannot answer.
    var status: Int
    /// One line for the person calling the endpoint; never row data or a password.
    var message: String

    /// A bad parameter (400).
    static func badRequest(_ message: String) -> DashboardRequestError {
        DashboardRequestError(status: 400, message: message)
    }

    /// A path under `/api/` that no endpoint serves (404).
    static func notFound(_ message: String) -> DashboardRequestError {
        DashboardRequestError(status: 404, message: message)
    }

    /// The database is unreachable or not migrated (503).
    static func unavailable(_ message: String) -> DashboardRequestError {
        DashboardRequestError(status: 503, message: message)
    }

    var description: String { "\(status): \(message)" }
}
