/// The HTTP server could not listen where `--http-host` and `--http-port` say, with the flag
/// to change.
struct HTTPBindError: Error, CustomStringConvertible {
    /// What was wrong and how to fix it.
    let description: String

    /// The error for `error` thrown by a server on `endpoint`, or nil when it is not about the
    /// address.
    init?(_ error: any Error, endpoint: (host: String, port: Int)) {
        let text = "\(error)"
        if text.contains("Address already in use") {
            description = "--http-port: port \(endpoint.port) on \(endpoint.host) is in use; choose another with --http-port (0 picks a free one)"
        } else if text.contains("Cannot assign requested address") || text.contains("UnknownHost") {
            description = "--http-host: cannot serve on \(endpoint.host) (\(text)); use an address of this machine, such as 127.0.0.1, or 0.0.0.0 for every interface"
        } else {
            return nil
        }
    }
}
