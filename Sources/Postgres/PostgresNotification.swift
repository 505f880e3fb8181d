/// A notification delivered by PostgreSQL's `NOTIFY` (or `pg_notify`) to a session that
/// `LISTEN`s on its channel.
public struct PostgresNotification: Sendable, Hashable {
    /// The channel it was sent on.
    public var channel: String
    /// The payload given to `NOTIFY`; empty when none was.
    public var payload: String
    /// The process id of the server session that sent it.
    public var senderProcessID: Int32

    /// Creates a notification.
    /// - Parameters:
    ///   - channel: The channel.
    ///   - payload: The payload.
    ///   - senderProcessID: The sending session's server process id.
    public init(channel: String, payload: String, senderProcessID: Int32) {
        self.channel = channel
        self.payload = payload
        self.senderProcessID = senderProcessID
    }
}
