/// The parsers under fuzzing, each fed through its nearest public entry point (no `@testable` access).
///
/// One libFuzzer executable exists per case (`Sources/Fuzz<Name>/`), and its seed corpus lives in
/// `Tests/FuzzCorpus/<rawValue>/`. The same ``run(_:)`` is called by the libFuzzer entry point in a fuzzing
/// build and by the corpus replay in the normal debug build (`SecurityTests`), so a crash input found by
/// either reproduces in the other.
///
/// A thrown error is the parser doing its job on bad input and is part of the outcome. A crash (trap, sanitizer
/// report, hang) is a defect, and so is a violated invariant, which the harness reports with
/// `preconditionFailure` so that libFuzzer records the input.
public enum FuzzTarget: String, CaseIterable, Sendable, CustomStringConvertible {
    /// SegmentLog's canonical JSON parser and manifest decoding (`StagingLog.manifests(of:)`).
    case manifest = "FuzzManifest"
    /// Extract's streaming OData page scanner, fed through `ODataSource.read` over an in-memory transport.
    case odataPage = "FuzzODataPage"
    /// Extract's e.net answer handling: Windows-1252 decoding, the XML tree and COMFND rows, through
    /// `ENetSource.read` over an in-memory transport.
    case enetXML = "FuzzENetXML"
    /// Operator's TOML parser and typed configuration, through `Configuration.parse`.
    case config = "FuzzConfig"

    public var description: String { rawValue }

    /// Feeds one input to the target's parser.
    ///
    /// - Returns: whether the parser accepted the input, and what it produced or why it refused.
    /// - Precondition: the parser upholds the invariants the target checks (see each target's type).
    @discardableResult
    public func run(_ input: [UInt8]) -> FuzzOutcome {
        switch self {
        case .manifest: ManifestFuzzTarget.run(input)
        case .odataPage: ODataPageFuzzTarget.run(input)
        case .enetXML: ENetXMLFuzzTarget.run(input)
        case .config: ConfigFuzzTarget.run(input)
        }
    }

    /// The libFuzzer entry point's body: copies the input and runs it.
    ///
    /// - Parameters:
    ///   - data: libFuzzer's buffer, valid only during the call (may be `nil` when `size` is 0).
    ///   - size: its length in bytes.
    public func run(_ data: UnsafePointer<UInt8>?, _ size: Int) {
        guard let data, size > 0 else {
            run([])
            return
        }
        run(Array(UnsafeBufferPointer(start: data, count: size)))
    }
}

/// What one fuzz input did.
public enum FuzzOutcome: Sendable, Hashable, CustomStringConvertible {
    /// The parser accepted the input; the text says what it produced (rows, keys, manifests).
    case accepted(String)
    /// The parser refused the input with an error, as it should for bad input.
    case rejected(String)

    public var isAccepted: Bool {
        if case .accepted = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .accepted(let detail): "accepted: \(detail)"
        case .rejected(let reason): "rejected: \(reason)"
        }
    }
}
