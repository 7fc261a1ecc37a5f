/// What ``LogVerifier`` found (docs/staging-format.md §10). Value type, `Sendable`.
public struct VerificationReport: Sendable, Hashable {
    /// One problem, located precisely.
    public struct Finding: Sendable, Hashable, CustomStringConvertible {
        /// What kind of problem.
        public enum Kind: String, Sendable, Hashable, CaseIterable {
            /// A manifest cannot be read or parsed, or misses a field.
            case manifestUnreadable
            /// A manifest's bytes are not its canonical encoding.
            case manifestNotCanonical
            /// A manifest's `manifestHash` does not match its content.
            case manifestHash
            /// A manifest's name, stream, sequence or segment name disagree.
            case manifestMisplaced
            /// A manifest's `previousManifestHash` is not the previous manifest's hash.
            case chainBroken
            /// A sequence number is missing from the chain.
            case sequenceGap
            /// A manifest's segment file is missing (and not archived).
            case segmentMissing
            /// A segment's size differs from its manifest (truncated or extended).
            case segmentSize
            /// A segment's SHA-256 differs from its manifest.
            case segmentSHA256
            /// A block fails its CRC-32, gzip check, lengths or line prefixes.
            case blockCorrupt
            /// The block index in a manifest is inconsistent.
            case blockIndex
            /// A segment without a manifest that recovery would not remove.
            case orphanSegment
            /// A schema file is missing, not canonical, or does not hash to its fingerprint.
            case schema
            /// A file whose name is not in the grammar.
            case unexpectedFile
            /// An unsealed leftover (temp file) that recovery will quarantine.
            case unsealedLeftover
            /// A load-journal line fails its CRC or is not a record.
            case journalCorrupt
            /// A torn last journal line (normal after a crash).
            case journalTornTail
            /// An archived copy of a manifest differs from the one in the stream directory.
            case archiveMismatch
        }

        /// Whether a finding means damage (`error`) or a normal after-crash state (`notice`).
        public enum Severity: String, Sendable, Hashable {
            case error
            case notice
        }

        public let stream: StreamID
        public let kind: Kind
        /// The file concerned (a path).
        public let file: String
        /// The byte offset within the file, when one applies.
        public let offset: Int64?
        public let expected: String?
        public let actual: String?
        /// A sentence describing the problem.
        public let message: String

        public var severity: Severity { kind == .journalTornTail || kind == .unsealedLeftover ? .notice : .error }

        public var description: String {
            var text = "\(severity) \(kind.rawValue) \(file)"
            if let offset { text += " @\(offset)" }
            text += ": \(message)"
            if let expected { text += " (expected \(expected)" + (actual.map { ", actual \($0)" } ?? "") + ")" }
            return text
        }
    }

    /// The result for one stream.
    public struct StreamResult: Sendable, Hashable {
        public let stream: StreamID
        public internal(set) var manifestsChecked = 0
        public internal(set) var segmentsChecked = 0
        public internal(set) var bytesChecked: Int64 = 0
        /// The first place the chain breaks (a gap, a bad hash, a broken link), if any.
        public internal(set) var firstBrokenLink: Finding?
        /// Every finding, in the order found.
        public internal(set) var findings: [Finding] = []

        /// Whether nothing but notices was found.
        public var isClean: Bool { findings.allSatisfy { $0.severity == .notice } }
    }

    public internal(set) var streams: [StreamResult] = []

    /// Whether no stream has an error finding.
    public var isClean: Bool { streams.allSatisfy(\.isClean) }

    /// Every finding of every stream.
    public var findings: [Finding] { streams.flatMap(\.findings) }
}
