internal import CZlib

/// A streaming gzip (RFC 1952) compressor over zlib's `deflate`.
///
/// Feed input with ``update(_:appendingTo:)`` as it arrives and end the gzip member with
/// ``finish(appendingTo:)``. After `finish` the compressor is reset and the next `update` starts a new member,
/// so one compressor can write many members (a segment file per member, for example) without reallocating
/// zlib's state. Memory use is bounded by zlib's window and a 64 KiB scratch buffer, whatever the input size;
/// only the caller's `output` array grows.
///
/// This class is not thread-safe: use one compressor per task or thread. It owns a heap-allocated `z_stream`
/// (zlib keeps a back-pointer to it, so its address must never move) and frees it in `deinit`.
///
/// The corresponding C functions are `deflateInit2`, `deflate`, `deflateReset` and `deflateEnd`.
public final class GzipCompressor {
    private let stream: UnsafeMutablePointer<z_stream>
    private let scratch: UnsafeMutableRawBufferPointer
    /// Set when a zlib call failed; the stream state is then unknown and the compressor refuses further work.
    private var broken = false

    /// The deflate level, 0 (store) to 9 (smallest), or -1 for zlib's default (6).
    public let level: Int32

    /// Creates a compressor whose first member starts with the next ``update(_:appendingTo:)``.
    ///
    /// - Parameter level: 0 (store) to 9 (smallest output), or -1 for zlib's default. Level 1 is the
    ///   project default: it is about three times faster than level 6 for about a third more output.
    /// - Throws: `.internalError` when the level is out of range or zlib cannot allocate its state.
    public init(level: Int32 = 1) throws {
        guard level == Z_DEFAULT_COMPRESSION || (0...9).contains(level) else {
            throw SysproBQError(
                .internalError,
                "gzip compression level \(level) is out of range (expected -1 or 0...9)",
                disposition: .terminal
            )
        }
        self.level = level
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // windowBits 15 + 16 asks zlib for a gzip wrapper instead of a zlib one; memLevel 8 is zlib's default.
        let status = CZlib_deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY)
        guard status == Z_OK else {
            let error = ZlibStatus.internalFailure("deflateInit2", code: status, stream: stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw error
        }
        scratch = .allocate(byteCount: ZlibStatus.scratchSize, alignment: 16)
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        scratch.deallocate()
    }

    /// Compresses `input` into the current member, appending whatever compressed bytes zlib releases.
    ///
    /// zlib buffers internally, so short inputs may append nothing until a later call or ``finish(appendingTo:)``.
    ///
    /// - Parameters:
    ///   - input: the bytes to compress; only read during the call.
    ///   - output: compressed bytes are appended here.
    /// - Throws: `.internalError` if zlib reports an inconsistent stream (a bug).
    public func update(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) throws {
        try checkUsable()
        guard let base = input.baseAddress, input.count > 0 else { return }
        var offset = 0
        while offset < input.count {
            let slice = min(ZlibStatus.maximumSlice, input.count - offset)
            stream.pointee.next_in = UnsafeMutablePointer(
                mutating: (base + offset).assumingMemoryBound(to: Bytef.self)
            )
            stream.pointee.avail_in = uInt(slice)
            defer {
                stream.pointee.next_in = nil
                stream.pointee.avail_in = 0
            }
            repeat {
                try deflateOnce(flush: Z_NO_FLUSH, appendingTo: &output)
            } while stream.pointee.avail_in > 0 || stream.pointee.avail_out == 0
            offset += slice
        }
    }

    /// Convenience for `Array` input; see the raw-buffer `update(_:appendingTo:)`.
    public func update(_ input: [UInt8], appendingTo output: inout [UInt8]) throws {
        try input.withUnsafeBytes { try update($0, appendingTo: &output) }
    }

    /// Ends the current gzip member (flushes deflate, writes the CRC-32 and length trailer) and resets the
    /// compressor so that the next ``update(_:appendingTo:)`` starts a new member.
    ///
    /// Calling `finish` with no input since the last reset writes a valid empty member (20 bytes).
    ///
    /// - Throws: `.internalError` if zlib reports an inconsistent stream (a bug).
    public func finish(appendingTo output: inout [UInt8]) throws {
        try checkUsable()
        var status: Int32
        repeat {
            status = try deflateOnce(flush: Z_FINISH, appendingTo: &output)
            // With room in the output buffer, Z_FINISH always makes progress; a stall would loop forever.
            guard status != Z_BUF_ERROR else {
                broken = true
                throw ZlibStatus.internalFailure("deflate(Z_FINISH)", code: status, stream: stream)
            }
        } while status != Z_STREAM_END
        let reset = deflateReset(stream)
        guard reset == Z_OK else {
            broken = true
            throw ZlibStatus.internalFailure("deflateReset", code: reset, stream: stream)
        }
    }

    /// Compresses `input` as one complete gzip member appended to `output`.
    public static func compressMember(
        _ input: UnsafeRawBufferPointer,
        level: Int32,
        appendingTo output: inout [UInt8]
    ) throws {
        let compressor = try GzipCompressor(level: level)
        try compressor.update(input, appendingTo: &output)
        try compressor.finish(appendingTo: &output)
    }

    /// Runs one `deflate` call into the scratch buffer and appends what it produced.
    @discardableResult
    private func deflateOnce(flush: Int32, appendingTo output: inout [UInt8]) throws -> Int32 {
        stream.pointee.next_out = scratch.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(scratch.count)
        let status = deflate(stream, flush)
        let produced = scratch.count - Int(stream.pointee.avail_out)
        stream.pointee.next_out = nil
        if produced > 0 {
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<produced]))
        }
        // Z_BUF_ERROR only means "no progress possible" (no input and nothing pending); it is not fatal.
        guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
            broken = true
            throw ZlibStatus.internalFailure("deflate", code: status, stream: stream)
        }
        return status
    }

    private func checkUsable() throws {
        guard !broken else {
            throw SysproBQError(
                .internalError,
                "gzip compressor used after an earlier zlib failure",
                disposition: .terminal
            )
        }
    }
}
