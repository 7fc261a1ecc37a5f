import Common
import Dispatch

/// Compresses a segment's blocks into gzip members on a background thread while the writer fills the next
/// block (pigz-style: blocks are independent members, docs/staging-format.md §3.2), so compression and row
/// building use both cores.
///
/// At most one block is in flight: ``submit(swapping:)`` hands the filled block over (swapping in an empty
/// buffer, so no bytes are copied) and ``wait()`` returns its member. Output is byte-for-byte what compressing
/// the same block inline gives (zlib is deterministic for a given level, and every member starts from a reset
/// stream). Writing, checksumming and the block index stay with the caller, in file order.
///
/// Thread-safety: one caller thread only. The worker touches `input`, `output`, `failure` and the zlib stream
/// only between a `submit` and the matching `wait`, and the caller only outside that span; the dispatch group's
/// `leave`/`wait` pair orders the two, which is why the class can be `@unchecked Sendable`.
final class BlockCompressor: @unchecked Sendable {
    private let queue = DispatchQueue(label: "segmentlog.block-compressor", qos: .userInitiated)
    private let group = DispatchGroup()
    private let compressor: GzipCompressor
    private var input: [UInt8] = []
    private var output: [UInt8] = []
    private var failure: (any Error)?
    private(set) var isBusy = false

    /// - Throws: `.internalError` when zlib cannot start a stream at `level`.
    init(level: Int32) throws {
        compressor = try GzipCompressor(level: level)
    }

    /// Starts compressing `block` as one gzip member; `block` comes back empty (with spare capacity).
    func submit(swapping block: inout [UInt8]) {
        precondition(!isBusy, "one block in flight at a time")
        swap(&input, &block)
        block.removeAll(keepingCapacity: true)
        isBusy = true
        group.enter()
        queue.async { [self] in
            output.removeAll(keepingCapacity: true)
            do {
                try input.withUnsafeBytes { try compressor.update($0, appendingTo: &output) }
                try compressor.finish(appendingTo: &output)
            } catch {
                failure = error
            }
            group.leave()
        }
    }

    /// Waits for the block in flight and calls `body` with its gzip member.
    ///
    /// - Throws: the zlib failure of that block (the compressor is then unusable), or what `body` throws.
    func wait(_ body: ([UInt8]) throws -> Void) throws {
        precondition(isBusy, "no block in flight")
        group.wait()
        isBusy = false
        if let failure {
            self.failure = nil
            throw failure
        }
        try body(output)
    }

    /// Waits for a block in flight, if any, and drops its result (the segment is being discarded).
    func cancel() {
        guard isBusy else { return }
        group.wait()
        isBusy = false
        failure = nil
    }
}
