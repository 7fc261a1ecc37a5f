internal import CZlib

/// Error construction shared by the gzip compressor and decompressor.
///
/// zlib reports failures as a return code plus an optional static message in `z_stream.msg`; this type turns
/// the pair into a ``SysproBQError`` so that every gzip failure names what was wrong.
enum ZlibStatus {
    /// zlib's input and output counters are 32-bit (`uInt`), so buffers are fed in slices of at most this size.
    static let maximumSlice = 1 << 30

    /// The size of the scratch buffer zlib writes into before bytes are handed to the caller.
    static let scratchSize = 64 * 1024

    /// The text of a zlib return code, preferring the stream's own message when zlib set one.
    static func text(_ code: Int32, stream: UnsafeMutablePointer<z_stream>) -> String {
        if let message = stream.pointee.msg {
            return String(cString: message)
        }
        if let fallback = zError(code) {
            return String(cString: fallback)
        }
        return "unknown zlib status"
    }

    /// An error for a zlib call that failed for a reason other than bad input: bad parameters or no memory.
    static func internalFailure(
        _ what: String,
        code: Int32,
        stream: UnsafeMutablePointer<z_stream>
    ) -> SysproBQError {
        SysproBQError(
            .internalError,
            "zlib \(what) failed",
            cause: .zlib(code: code, text: text(code, stream: stream)),
            disposition: code == Z_MEM_ERROR ? .retryable : .terminal
        )
    }
}
