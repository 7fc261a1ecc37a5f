internal import CZlib

/// A streaming gzip (RFC 1952) decompressor over zlib's `inflate` that reads concatenated members as `zcat` does.
///
/// Feed compressed bytes with ``update(_:emit:)`` in pieces of any size; decompressed bytes are handed to `emit`
/// in chunks of at most 64 KiB as soon as zlib releases them. When a member ends and more input follows, the
/// decompressor starts the next member (RFC 1952 §2.2: a gzip file is a series of members). Call ``finish()``
/// after the last byte: it throws when the input stopped inside a member or held no complete member, so a
/// truncated file is always an error and never silently short data.
///
/// Corrupt input (a bad header, a CRC-32 or length mismatch in a trailer, an invalid deflate block, bytes after
/// the last member that are not a gzip header) throws `.corruption` naming what was wrong, the member number
/// and the compressed byte offset. After any error the decompressor refuses further input.
///
/// This class is not thread-safe: use one decompressor per task or thread. It owns a heap-allocated `z_stream`
/// (zlib keeps a back-pointer to it, so its address must never move) and frees it in `deinit`.
///
/// The corresponding C functions are `inflateInit2`, `inflate`, `inflateReset` and `inflateEnd`.
public final class GzipDecompressor {
    private let stream: UnsafeMutablePointer<z_stream>
    private let scratch: UnsafeMutableRawBufferPointer
    private var broken = false
    /// Whether bytes of a member that has not ended yet have been fed to zlib.
    private var insideMember = false
    /// Compressed bytes consumed so far, over all members, for error messages.
    private var consumed: Int64 = 0

    /// The number of gzip members that ended with a valid trailer so far.
    public private(set) var membersCompleted = 0

    /// The number of compressed bytes consumed so far, over all members.
    public var compressedBytesConsumed: Int64 { consumed }

    /// Creates a decompressor waiting for the first byte of a gzip member.
    ///
    /// - Throws: `.internalError` when zlib cannot allocate its state.
    public init() throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // windowBits 15 + 16 accepts the gzip wrapper only: zlib-wrapped or raw deflate input is corruption here.
        let status = CZlib_inflateInit2(stream, 15 + 16)
        guard status == Z_OK else {
            let error = ZlibStatus.internalFailure("inflateInit2", code: status, stream: stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw error
        }
        scratch = .allocate(byteCount: ZlibStatus.scratchSize, alignment: 16)
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        scratch.deallocate()
    }

    /// Decompresses `input`, handing every decompressed chunk to `emit` before returning.
    ///
    /// - Parameters:
    ///   - input: the next compressed bytes; only read during the call.
    ///   - emit: receives decompressed bytes, valid only during the call. An error it throws is rethrown and
    ///     leaves the decompressor unusable.
    /// - Throws: `.corruption` for corrupt gzip data; whatever `emit` throws.
    public func update(_ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
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
            try inflateAvailableInput(emit: emit)
            offset += slice
        }
    }

    /// Convenience for `Array` input; see the raw-buffer `update(_:emit:)`.
    public func update(_ input: [UInt8], emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        try input.withUnsafeBytes { try update($0, emit: emit) }
    }

    /// Declares the end of the input.
    ///
    /// - Throws: `.corruption` when the input ended inside a member (truncation) or held no complete member.
    public func finish() throws {
        try checkUsable()
        if insideMember {
            broken = true
            throw SysproBQError(
                .corruption,
                "gzip data is truncated: input ended inside member \(membersCompleted + 1) "
                    + "after \(consumed) compressed bytes",
                remedy: "the file was cut short (a crash during writing or an incomplete copy); restore it",
                disposition: .needsHuman
            )
        }
        if membersCompleted == 0 {
            broken = true
            throw SysproBQError(
                .corruption,
                "gzip data holds no complete member (\(consumed) compressed bytes)",
                remedy: "the file is empty or was cut short; restore it",
                disposition: .needsHuman
            )
        }
    }

    /// Runs `inflate` until the current input slice is consumed and all pending output is emitted.
    private func inflateAvailableInput(emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        while true {
            let availableBefore = stream.pointee.avail_in
            if availableBefore > 0 {
                insideMember = true
            }
            stream.pointee.next_out = scratch.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(scratch.count)
            let status = inflate(stream, Z_NO_FLUSH)
            let produced = scratch.count - Int(stream.pointee.avail_out)
            let outputFull = stream.pointee.avail_out == 0
            stream.pointee.next_out = nil
            consumed += Int64(availableBefore - stream.pointee.avail_in)
            if produced > 0 {
                do {
                    try emit(UnsafeRawBufferPointer(rebasing: scratch[0..<produced]))
                } catch {
                    broken = true
                    throw error
                }
            }
            switch status {
            case Z_OK:
                break
            case Z_STREAM_END:
                membersCompleted += 1
                insideMember = false
                let reset = inflateReset(stream)
                guard reset == Z_OK else {
                    broken = true
                    throw ZlibStatus.internalFailure("inflateReset", code: reset, stream: stream)
                }
            case Z_BUF_ERROR:
                // No progress possible: all input is consumed and zlib needs more. Not an error by itself;
                // finish() decides whether the input ended in a valid place.
                return
            default:
                broken = true
                throw corruption(status)
            }
            if stream.pointee.avail_in == 0 && !outputFull {
                return
            }
        }
    }

    /// A `.corruption` error naming what zlib found wrong, the member and the compressed offset.
    private func corruption(_ status: Int32) -> SysproBQError {
        let zlibText = ZlibStatus.text(status, stream: stream)
        let what: String
        switch zlibText {
        case "incorrect header check":
            what = membersCompleted > 0 ? "bytes after the last member are not a gzip header" : "bad gzip header"
        case "incorrect data check":
            what = "CRC-32 mismatch in the member trailer"
        case "incorrect length check":
            what = "uncompressed length mismatch in the member trailer"
        case "unknown compression method", "unknown header flags set":
            what = "bad gzip header (\(zlibText))"
        default:
            what = "invalid deflate data (\(zlibText))"
        }
        let disposition: SysproBQError.Disposition = status == Z_MEM_ERROR ? .retryable : .needsHuman
        return SysproBQError(
            .corruption,
            "gzip data is corrupt: \(what) in member \(membersCompleted + 1) near compressed byte \(consumed)",
            remedy: "the file was altered or damaged; restore it from a good copy",
            cause: .zlib(code: status, text: zlibText),
            disposition: disposition
        )
    }

    private func checkUsable() throws {
        guard !broken else {
            throw SysproBQError(
                .internalError,
                "gzip decompressor used after an earlier failure",
                disposition: .terminal
            )
        }
    }
}
