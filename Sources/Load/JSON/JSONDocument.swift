import Common
import Foundation

/// A read-only view of a parsed JSON response body, with typed accessors that never crash on a wrong shape.
///
/// Response bodies are small (error bodies, job resources, query pages) and parsed with `JSONSerialization`;
/// numbers are only read as counts and times, never as money.
///
/// This type is not `Sendable`: it wraps Foundation's untyped tree and lives only while a response is read.
struct JSONDocument {
    let value: Any?

    init(_ value: Any?) {
        self.value = value
    }

    /// Parses `bytes`; throws a protocol-violation error naming `context` when they are not JSON.
    static func parse(_ bytes: [UInt8], context: String) throws(SysproBQError) -> JSONDocument {
        do {
            let object = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            return JSONDocument(object)
        } catch {
            throw SysproBQError(
                .protocolViolation,
                "\(context): the response is not JSON",
                cause: .other("body starts with: \(excerpt(bytes))"),
                disposition: .retryable
            )
        }
    }

    /// Parses `bytes`, or returns an empty document when they are not JSON (for error bodies).
    static func lenient(_ bytes: [UInt8]) -> JSONDocument {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else {
            return JSONDocument(nil)
        }
        return JSONDocument(object)
    }

    subscript(key: String) -> JSONDocument {
        JSONDocument((value as? [String: Any])?[key])
    }

    subscript(index: Int) -> JSONDocument {
        guard let array = value as? [Any], array.indices.contains(index) else { return JSONDocument(nil) }
        return JSONDocument(array[index])
    }

    var isNull: Bool { value == nil || value is NSNull }
    var string: String? { value as? String }
    var bool: Bool? { value as? Bool }
    /// An integer sent as a JSON number or as a string (BigQuery sends int64 values as strings).
    var int: Int? {
        if let text = value as? String { return Int(text) }
        if let number = value as? NSNumber { return number.intValue }
        return nil
    }
    var array: [JSONDocument] { (value as? [Any])?.map { JSONDocument($0) } ?? [] }
    var keys: [String] { (value as? [String: Any]).map { Array($0.keys) } ?? [] }
    var exists: Bool { !isNull }
}

/// At most 300 bytes of `bytes` as text, for error causes.
func excerpt(_ bytes: [UInt8], limit: Int = 300) -> String {
    let head = bytes.prefix(limit)
    let text = String(decoding: head, as: UTF8.self)
    return bytes.count > limit ? text + "…" : text
}
