import ArgumentParser
import Foundation

/// Where a command serves HTTP (the worker's metrics and health, the dashboard), shared by
/// `worker`, `demo` and `dashboard`.
///
/// The default address is loopback: the dashboard shows transactions and has no login, so
/// serving it to the network is a decision (`--http-host 0.0.0.0`, as compose/ does).
struct HTTPOptions: ParsableArguments {
    @Option(
        name: .customLong("http-host"),
        help: "Address to serve HTTP on; 0.0.0.0 for every interface ($FRAUDSTREAM_HTTP_HOST, default 127.0.0.1).")
    var host: String?

    @Option(
        name: .customLong("http-port"),
        help: "Port for /metrics, /healthz, /readyz and the dashboard; 0 picks a free one ($FRAUDSTREAM_HTTP_PORT, default 8080).")
    var port: String?

    /// The address and port: flags, then environment variables, then the defaults.
    /// - Throws: `ValidationError` naming the flag or variable when the port is not 0–65535.
    func endpoint(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (host: String, port: Int) {
        let host = host ?? environment["FRAUDSTREAM_HTTP_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        guard !host.isEmpty, !host.contains(where: \.isWhitespace) else {
            throw ValidationError("--http-host: expected an address such as 127.0.0.1 or 0.0.0.0, got \"\(host)\"")
        }
        let source = port != nil ? "--http-port" : "FRAUDSTREAM_HTTP_PORT (for --http-port)"
        guard let text = port ?? environment["FRAUDSTREAM_HTTP_PORT"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            return (host, 8080)
        }
        guard let value = Int(text), (0...65535).contains(value) else {
            throw ValidationError("\(source): expected a port number from 0 to 65535 (0 picks a free port), got \"\(text)\"")
        }
        return (host, value)
    }
}
