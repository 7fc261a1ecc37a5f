/// How a date is written in a `$filter`, chosen from the property's `$metadata` type (syspro.md §1.4).
public enum ODataDateLiteralKind: String, Sendable, Hashable, Codable {
    /// `Edm.DateTimeOffset` (ASP.NET OData v4's mapping of SQL `datetime`): `2024-01-01T00:00:00Z`, unquoted.
    case dateTimeOffset
    /// `Edm.Date`: `2024-01-01`.
    case date
    /// `Edm.DateTime` (OData v3 services): `datetime'2024-01-01T00:00:00'`.
    case dateTime
}

/// Rendering of OData v4 URL literals (OData v4.0 Part 2, URL Conventions §5.1.1,
/// http://docs.oasis-open.org/odata/odata/v4.0/odata-v4.0-part2-url-conventions.html).
enum ODataLiteral {
    /// `'text'` with each `'` doubled.
    static func string(_ value: String) -> String {
        "'" + value.replacingAll("'", with: "''") + "'"
    }

    /// `binary'<base64>'` for a staged `0x…` rowversion; `nil` when it is not 8 bytes of hex.
    static func rowVersion(_ staged: String) -> String? {
        RowVersionText.base64(fromStaged: staged).map { "binary'\($0)'" }
    }

    /// A business date (`YYYY-MM-DD`) as a literal of `kind`, at midnight in `offset` for DateTimeOffset.
    static func date(_ day: String, kind: ODataDateLiteralKind, offset: String) -> String {
        switch kind {
        case .dateTimeOffset: return "\(day)T00:00:00\(offset)"
        case .date: return day
        case .dateTime: return "datetime'\(day)T00:00:00'"
        }
    }

    /// A date exactly as the server sent it (for keyset cursors), written as a literal of `kind`.
    static func dateAsSent(_ sent: String, kind: ODataDateLiteralKind) -> String {
        switch kind {
        case .dateTimeOffset, .date: return sent
        case .dateTime: return "datetime'\(sent)'"
        }
    }

    /// A key value of `sqlType`: strings quoted, decimals and integers as their text.
    static func value(_ text: String, sqlType: SQLType) -> String {
        switch sqlType {
        case .decimal, .integer: return text
        case .bit: return text == "true" ? "true" : "false"
        default: return string(text)
        }
    }

    /// Whether `text` is `±hh:mm`.
    static func isOffset(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 6, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"),
            bytes[3] == UInt8(ascii: ":")
        else { return false }
        return [1, 2, 4, 5].allSatisfy { DecimalText.isDigit(bytes[$0]) }
    }
}

extension String {
    /// `self` with every occurrence of `target` replaced (no Foundation needed).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

/// Percent-encoding for URL components (RFC 3986 §2.1): every byte except the unreserved set
/// `A–Z a–z 0–9 - . _ ~` is encoded, so `+` in base64 or `'` in a literal can never be misread.
enum PercentEncoding {
    static func encode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                output.append(byte)
            default:
                output.append(UInt8(ascii: "%"))
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// `name=value&…` with each value encoded; names are written as given (`$filter`).
    static func query(_ items: [(String, String)]) -> String {
        items.map { "\($0.0)=\(encode($0.1))" }.joined(separator: "&")
    }
}
