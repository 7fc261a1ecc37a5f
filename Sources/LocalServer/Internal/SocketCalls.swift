#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers over the socket system calls the server uses.
///
/// Each wrapper retries `EINTR` and returns the C result; callers read `errno` right after a
/// negative result. They exist so the rest of the target never spells C casts and flags.
enum SocketCalls {
    /// Sends every byte or gives up on the first hard error. Returns false when the peer is gone.
    ///
    /// `MSG_NOSIGNAL` keeps a closed peer from raising `SIGPIPE`. The corresponding C function is `send`.
    static func sendAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard var pointer = bytes.baseAddress else { return true }
        var remaining = bytes.count
        while remaining > 0 {
            let sent = send(fd, pointer, remaining, Int32(MSG_NOSIGNAL))
            if sent < 0 {
                if errno == EINTR { continue }
                return false
            }
            remaining -= sent
            pointer += sent
        }
        return true
    }

    /// Sends every byte of an array. Returns false when the peer is gone.
    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { sendAll(fd, $0) }
    }

    /// Reads at most `count` bytes into `buffer`; returns 0 on end of stream and -1 on error.
    ///
    /// The corresponding C function is `read`.
    static func receive(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int) -> Int {
        while true {
            let got = read(fd, buffer, count)
            if got < 0 && errno == EINTR { continue }
            return got
        }
    }

    /// Sets an integer socket option; returns false on failure.
    @discardableResult
    static func setOption(_ fd: Int32, level: Int32, name: Int32, value: Int32) -> Bool {
        var v = value
        return setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size)) == 0
    }

    /// Turns off Nagle's algorithm so a response written in two parts is not delayed by 40 ms.
    static func setNoDelay(_ fd: Int32) {
        setOption(fd, level: Int32(IPPROTO_TCP), name: Int32(TCP_NODELAY), value: 1)
    }

    /// Sets the receive timeout, after which an idle keep-alive connection is dropped.
    static func setReceiveTimeout(_ fd: Int32, seconds: Int) {
        var tv = timeval(tv_sec: seconds, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Arms `SO_LINGER` with a zero timeout so the next `close` sends a TCP RST instead of a FIN.
    static func armReset(_ fd: Int32) {
        var l = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, socklen_t(MemoryLayout<linger>.size))
    }

    /// Wakes every thread blocked on `fd` (read, accept) without releasing the descriptor number.
    static func shutdownBoth(_ fd: Int32) {
        _ = shutdown(fd, Int32(SHUT_RDWR))
    }

    /// Closes a descriptor. `EINTR` is not retried: on Linux the descriptor is already released.
    static func closeDescriptor(_ fd: Int32) {
        _ = close(fd)
    }

    /// The text of the current `errno`, for log metadata.
    static func errnoText(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }
}
