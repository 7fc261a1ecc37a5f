#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Opens a TCP listener bound to a loopback address.
///
/// Only loopback hosts are accepted: the simulator and fakes must never be reachable from another
/// machine, and a test must never talk to anything but 127.0.0.1.
enum ListeningSocket {
    /// The address families this server can bind.
    enum Family {
        case ipv4
        case ipv6
    }

    /// Maps an accepted host spelling to its address family, or nil when the host is not loopback.
    static func loopbackFamily(of host: String) -> Family? {
        switch host {
        case "127.0.0.1", "localhost": return .ipv4
        case "::1", "[::1]": return .ipv6
        default: return nil
        }
    }

    /// Creates, binds and listens; returns the descriptor and the bound port.
    ///
    /// - Throws: `LocalServerError` naming the failing call and its errno.
    static func open(family: Family, port: UInt16, backlog: Int32 = 128) throws(LocalServerError) -> (Int32, UInt16) {
        let domain = family == .ipv4 ? AF_INET : AF_INET6
        let fd = socket(domain, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .socketCall("socket", errno: errno) }
        SocketCalls.setOption(fd, level: SOL_SOCKET, name: SO_REUSEADDR, value: 1)
        let bound: Int32
        switch family {
        case .ipv4:
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            _ = inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
            bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        case .ipv6:
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            _ = inet_pton(AF_INET6, "::1", &address.sin6_addr)
            bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
        guard bound == 0 else {
            let code = errno
            SocketCalls.closeDescriptor(fd)
            throw .socketCall("bind", errno: code)
        }
        guard listen(fd, backlog) == 0 else {
            let code = errno
            SocketCalls.closeDescriptor(fd)
            throw .socketCall("listen", errno: code)
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else {
            let code = errno
            SocketCalls.closeDescriptor(fd)
            throw .socketCall("getsockname", errno: code)
        }
        return (fd, boundPort(of: storage))
    }

    /// Renders a peer address as `host:port` for logs and `ServerRequest.remoteAddress`.
    static func describe(_ storage: sockaddr_storage) -> String {
        var copy = storage
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        if Int32(copy.ss_family) == AF_INET {
            return withUnsafePointer(to: &copy) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { p in
                    var a = p.pointee.sin_addr
                    _ = inet_ntop(AF_INET, &a, &text, socklen_t(text.count))
                    return "\(cText(text)):\(UInt16(bigEndian: p.pointee.sin_port))"
                }
            }
        }
        return withUnsafePointer(to: &copy) {
            $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { p in
                var a = p.pointee.sin6_addr
                _ = inet_ntop(AF_INET6, &a, &text, socklen_t(text.count))
                return "[\(cText(text))]:\(UInt16(bigEndian: p.pointee.sin6_port))"
            }
        }
    }

    private static func cText(_ chars: [CChar]) -> String {
        String(decoding: chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func boundPort(of storage: sockaddr_storage) -> UInt16 {
        var copy = storage
        if Int32(copy.ss_family) == AF_INET {
            return withUnsafePointer(to: &copy) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
            }
        }
        return withUnsafePointer(to: &copy) {
            $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) }
        }
    }
}
