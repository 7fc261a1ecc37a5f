import Common
import Foundation
import Synchronization

/// Removes known secrets and the sensitive parts of URLs from text before it is logged or printed.
///
/// The credential store registers every secret it decrypts, so a password that reaches a log message by
/// mistake (an echoed SYSPRO error, a URL with `OperatorPassword=`) is replaced by `REDACTED`. For a
/// service-account key, the private key and each line of its PEM body are registered, so a partial leak is
/// caught too.
///
/// This class is thread-safe.
public final class SecretScrubber: Sendable {
    private let secrets = Mutex<[String]>([])

    /// The scrubber shared by the process's log handler and credential store.
    public static let shared = SecretScrubber()

    public init() {}

    /// Remembers `secret` so it is removed from all later text. Secrets shorter than 4 bytes are not scrubbed
    /// (they would erase ordinary words); syspro-bq's prompts refuse such passwords.
    public func register(_ secret: Secret) {
        register(text: secret.stringValue)
    }

    /// Remembers `text` as a secret, and, when it is a PEM block, each base64 line of its body.
    func register(text: String) {
        var found = [text]
        if text.contains("-----BEGIN") {
            found += text.split(whereSeparator: \.isNewline).map(String.init)
                .filter { !$0.hasPrefix("-----") && $0.count >= 16 }
        }
        secrets.withLock { list in
            for item in found where item.utf8.count >= 4 && !list.contains(item) {
                list.append(item)
            }
            // Longest first, so a secret that contains another is removed whole.
            list.sort { $0.utf8.count > $1.utf8.count }
        }
    }

    /// `text` with every registered secret replaced and every URL redacted (``Redaction/url(_:)``).
    public func scrub(_ text: String) -> String {
        let known = secrets.withLock { $0 }
        var result = Redaction.scrub(text, secrets: known)
        if result.contains("://") { result = Self.redactURLs(in: result) }
        return result
    }

    /// Applies ``Redaction/url(_:)`` to each `scheme://...` run of non-space characters.
    static func redactURLs(in text: String) -> String {
        var output = ""
        var rest = Substring(text)
        while let marker = rest.range(of: "://") {
            // Walk back over the scheme letters.
            var start = marker.lowerBound
            while start > rest.startIndex {
                let previous = rest.index(before: start)
                let character = rest[previous]
                guard
                    character.isLetter || character.isNumber || character == "+" || character == "." || character == "-"
                else { break }
                start = previous
            }
            let end =
                rest[marker.upperBound...].firstIndex { $0.isWhitespace || $0 == "\"" || $0 == "'" || $0 == ">" }
                ?? rest.endIndex
            output += rest[..<start]
            output += Redaction.url(String(rest[start..<end]))
            rest = rest[end...]
        }
        return output + rest
    }
}
