import Common
public import Foundation
public import Logging

/// The syspro-bq log handler: one line per event on standard error, as text for people or JSON lines for log
/// collectors, after removing secrets and URL credentials (``SecretScrubber``).
///
/// Text: `2026-11-27T15:00:00.123Z info Segment sealed segment.seq=12 stream=ApInvoice/A`.
/// JSON: `{"ts":"2026-11-27T15:00:00.123Z","level":"info","message":"Segment sealed","metadata":{"segment.seq":"12"}}`.
///
/// This type is a value type (as `LogHandler` requires) and is `Sendable`; the writer and scrubber it shares are
/// thread-safe.
public struct OperatorLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let format: Configuration.LogFormat
    private let writer: TerminalWriter
    private let scrubber: SecretScrubber
    private let now: @Sendable () -> Date

    public init(
        format: Configuration.LogFormat,
        level: Logger.Level,
        writer: TerminalWriter = .standardError,
        scrubber: SecretScrubber = .shared,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.format = format
        self.logLevel = level
        self.writer = writer
        self.scrubber = scrubber
        self.now = now
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        if let error = event.error { merged["error"] = .string(String(describing: error)) }
        let line: String
        switch format {
        case .text: line = textLine(event, merged)
        case .json: line = jsonLine(event, merged)
        }
        writer.writeLine(line)
    }

    private func textLine(_ event: LogEvent, _ metadata: Logger.Metadata) -> String {
        var line = "\(Timestamp.rfc3339(now())) \(event.level.rawValue) \(scrubber.scrub(event.message.description))"
        for key in metadata.keys.sorted() {
            guard let value = metadata[key] else { continue }
            let text = scrubber.scrub(Self.flatten(value))
            let needsQuotes = text.isEmpty || text.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }
            line += " \(key)=" + (needsQuotes ? JSONText.string(text) : text)
        }
        return line
    }

    private func jsonLine(_ event: LogEvent, _ metadata: Logger.Metadata) -> String {
        var line = "{\"ts\":\(JSONText.string(Timestamp.rfc3339(now())))"
        line += ",\"level\":\(JSONText.string(event.level.rawValue))"
        line += ",\"message\":\(JSONText.string(scrubber.scrub(event.message.description)))"
        if !metadata.isEmpty {
            let members = metadata.keys.sorted().compactMap { key in
                metadata[key].map { JSONText.string(key) + ":" + json($0) }
            }
            line += ",\"metadata\":{" + members.joined(separator: ",") + "}"
        }
        return line + "}"
    }

    private func json(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): return JSONText.string(scrubber.scrub(text))
        case .stringConvertible(let item): return JSONText.string(scrubber.scrub(item.description))
        case .array(let items): return "[" + items.map(json).joined(separator: ",") + "]"
        case .dictionary(let dictionary):
            let members = dictionary.keys.sorted().compactMap { key in
                dictionary[key].map { JSONText.string(key) + ":" + json($0) }
            }
            return "{" + members.joined(separator: ",") + "}"
        }
    }

    private static func flatten(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): return text
        case .stringConvertible(let item): return item.description
        case .array(let items): return "[" + items.map(flatten).joined(separator: ",") + "]"
        case .dictionary(let dictionary):
            return "{"
                + dictionary.keys.sorted().map { "\($0)=\(dictionary[$0].map(flatten) ?? "")" }
                .joined(separator: ",") + "}"
        }
    }
}

/// JSON string literals written by hand, so key order in log lines is fixed.
enum JSONText {
    /// `text` as a JSON string literal (RFC 8259 escapes; non-ASCII kept as UTF-8).
    static func string(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}

extension Logger.Level {
    /// The swift-log level for a configuration level name.
    public init(_ level: Configuration.LogLevel) {
        self = Logger.Level(rawValue: level.rawValue) ?? .info
    }
}
