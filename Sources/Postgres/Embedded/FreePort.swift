#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Asks the kernel for a TCP port on 127.0.0.1 that is free right now.
///
/// The port is released again before the server binds it, so another process could take it in
/// between; on a test machine that window is too short to matter.
/// - Throws: ``PostgresError/Code/launcherFailed`` if no socket could be bound.
func freeLoopbackPort() throws -> Int {
    #if canImport(Glibc)
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let descriptor = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard descriptor >= 0 else { throw portError() }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
            bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
        }
    }
    guard bound else { throw portError() }
    return Int(UInt16(bigEndian: address.sin_port))
}

private func portError() -> PostgresError {
    PostgresError(.launcherFailed, message: "cannot find a free TCP port on 127.0.0.1: \(String(cString: strerror(errno)))")
}
