import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Forwards TCP connections from a fixed loopback port to another address.
///
/// librdkafka's embedded cluster listens on ports of its own choosing; `fraudstream broker
/// --port 9092` puts this forwarder in front of it so that development tools can bootstrap from
/// a well-known address. After bootstrapping, clients connect to the brokers' own (advertised)
/// addresses, which are on the same machine.
///
/// - Important: Runs one thread of its own that multiplexes every connection with `poll(2)`;
///   call ``stop()`` to close the listening socket and every forwarded connection.
public final class KafkaPortForwarder: Sendable {
    /// The port connections are accepted on.
    public let port: Int
    private let listener: Int32
    private let wakeup: (read: Int32, write: Int32)

    /// Starts listening on `host:port` and forwarding every connection to `target`
    /// (`host:port`).
    ///
    /// - Throws: ``KafkaError/Code/configuration`` when the port is taken or `target` is not
    ///   `host:port`.
    public init(host: String = "127.0.0.1", port: Int, target: String) throws(KafkaError) {
        guard let colon = target.lastIndex(of: ":"), let targetPort = Int(target[target.index(after: colon)...]) else {
            throw KafkaError.configuration("forward target must be host:port, got \"\(target)\"")
        }
        let targetHost = String(target[..<colon])
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.address(host: host, port: port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 64) == 0 else {
            let reason = String(cString: strerror(errno))
            close(listener)
            throw KafkaError.configuration("cannot listen on \(host):\(port): \(reason); choose another port with --port")
        }
        var pipeEnds: [Int32] = [0, 0]
        pipe(&pipeEnds)
        self.listener = listener
        self.port = port
        self.wakeup = (pipeEnds[0], pipeEnds[1])
        let wakeupRead = pipeEnds[0]
        let thread = Thread {
            var loop = ForwardingLoop(listener: listener, wakeup: wakeupRead, targetHost: targetHost, targetPort: targetPort)
            loop.run()
        }
        thread.name = "kafka-port-forwarder"
        thread.start()
    }

    /// Stops forwarding and closes every connection.
    public func stop() {
        var byte: UInt8 = 1
        _ = write(wakeup.write, &byte, 1)
    }

    static func address(host: String, port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &address.sin_addr)
        return address
    }
}

/// The forwarder's thread: accepts connections and copies bytes both ways.
private struct ForwardingLoop {
    let listener: Int32
    let wakeup: Int32
    let targetHost: String
    let targetPort: Int
    /// Each socket and the socket its bytes go to.
    var peers: [Int32: Int32] = [:]

    init(listener: Int32, wakeup: Int32, targetHost: String, targetPort: Int) {
        self.listener = listener
        self.wakeup = wakeup
        self.targetHost = targetHost
        self.targetPort = targetPort
    }

    mutating func run() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            var fds = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeup, events: Int16(POLLIN), revents: 0)]
            fds += peers.keys.sorted().map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&fds, nfds_t(fds.count), -1) >= 0 else {
                if errno == EINTR { continue }
                break
            }
            if fds[1].revents != 0 { break }
            if fds[0].revents & Int16(POLLIN) != 0 { accept() }
            for entry in fds.dropFirst(2) where entry.revents != 0 {
                guard let peer = peers[entry.fd] else { continue }
                let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count <= 0 || !writeAll(peer, buffer, count) { closePair(entry.fd) }
            }
        }
        for fd in Array(peers.keys) { closePair(fd) }
        close(listener)
        close(wakeup)
    }

    private mutating func accept() {
        let client = Glibc.accept(listener, nil, nil)
        guard client >= 0 else { return }
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = KafkaPortForwarder.address(host: targetHost, port: targetPort)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(client)
            close(upstream)
            return
        }
        peers[client] = upstream
        peers[upstream] = client
    }

    private func writeAll(_ fd: Int32, _ buffer: [UInt8], _ count: Int) -> Bool {
        var written = 0
        while written < count {
            let result = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + written, count - written) }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { return false }
            written += result
        }
        return true
    }

    private mutating func closePair(_ fd: Int32) {
        guard let peer = peers.removeValue(forKey: fd) else { return }
        peers[peer] = nil
        close(fd)
        close(peer)
    }
}
