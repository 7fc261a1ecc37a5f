import Common

/// An `HTTPTransport` that answers every request from memory with status 200, delivering each body in pieces
/// of the sizes ``ChunkPlan`` gives, so a fuzz input reaches a client's parser as libcurl would deliver it.
///
/// It also bounds the exchange: a client that makes more than ``maximumRequests`` requests for one input is
/// looping (paging that never ends), which is a defect the harness reports.
///
/// This class is not thread-safe: one transport serves one read on one thread.
final class InMemoryTransport: HTTPTransport {
    /// More requests than this for one fuzz input means the client does not terminate.
    static let maximumRequests = 64

    private let answer: (HTTPRequest, Int) -> [UInt8]
    private let headers: [HTTPHeader]
    private let chunks: ChunkPlan
    /// Requests received so far.
    private(set) var requestCount = 0

    /// - Parameters:
    ///   - headers: the headers of every answer.
    ///   - chunks: how each body is cut into pieces.
    ///   - answer: the body for a request and its 0-based index.
    init(headers: [HTTPHeader], chunks: ChunkPlan, answer: @escaping (HTTPRequest, Int) -> [UInt8]) {
        self.headers = headers
        self.chunks = chunks
        self.answer = answer
    }

    func perform(
        _ request: HTTPRequest,
        onHead: (HTTPResponseHead) throws -> Void,
        onBody: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> HTTPResponseHead {
        precondition(
            requestCount < Self.maximumRequests,
            "the client made more than \(Self.maximumRequests) requests for one input (last: \(request))"
        )
        let body = answer(request, requestCount)
        requestCount += 1
        let head = HTTPResponseHead(status: 200, headers: headers)
        try onHead(head)
        var offset = 0
        var piece = 0
        try body.withUnsafeBytes { bytes in
            while offset < bytes.count {
                let end = min(bytes.count, offset + chunks.size(ofPiece: piece))
                try onBody(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
                offset = end
                piece += 1
            }
        }
        return head
    }
}

/// How a body is cut into the pieces a transport delivers: whole, or in pseudo-random sizes of 1 to 64 bytes
/// drawn from a seed (so a run is reproducible from its input alone).
struct ChunkPlan: Sendable {
    private let seed: UInt64?

    /// The whole body in one piece.
    static let whole = ChunkPlan(seed: nil)

    /// Pieces of 1–64 bytes from a generator seeded with `seed`.
    static func scattered(seed: UInt64) -> ChunkPlan { ChunkPlan(seed: seed) }

    /// The size of piece `index`.
    func size(ofPiece index: Int) -> Int {
        guard let seed else { return Int.max }
        // SplitMix64 (Steele, Lea, Flood 2014): a stateless hash of (seed, index) is enough here.
        var z = seed &+ UInt64(truncatingIfNeeded: index + 1) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        // One piece in four is a single byte: byte-by-byte boundaries find the most scanner state bugs.
        return z & 3 == 0 ? 1 : Int(z >> 58) + 1
    }

    /// A seed derived from the input's bytes (FNV-1a), so each input gets its own cut.
    static func seed(of input: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in input {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}
