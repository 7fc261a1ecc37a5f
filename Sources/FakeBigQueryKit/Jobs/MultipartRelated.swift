/// Splits a `multipart/related` body (RFC 2387, RFC 2046 §5.1) into its parts.
///
/// Pure. Header names are lower-cased; bodies are byte-exact (the CRLF before each delimiter is not
/// part of the body).
enum MultipartRelated {
    struct Part: Sendable {
        let headers: [String: String]
        let body: [UInt8]
    }

    /// The `boundary` parameter of a `multipart/related` Content-Type, unquoted.
    static func boundary(contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { String($0).trimmingCharacters(in: " \t") }
        guard pieces.first?.lowercased() == "multipart/related" else { return nil }
        for piece in pieces.dropFirst() where piece.lowercased().hasPrefix("boundary=") {
            var value = String(piece.dropFirst("boundary=".count))
            if value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// The parts between `--boundary` delimiters, or `nil` if the closing `--boundary--` is missing.
    static func parse(_ body: [UInt8], boundary: String) -> [Part]? {
        let delimiter = Array("--\(boundary)".utf8)
        var positions: [Int] = []
        var searchFrom = 0
        while let found = find(delimiter, in: body, from: searchFrom) {
            // A delimiter must start the body or follow a line break.
            if found == 0 || body[found - 1] == 0x0A { positions.append(found) }
            searchFrom = found + delimiter.count
        }
        guard positions.count >= 2 else { return nil }
        guard let last = positions.last, body[(last + delimiter.count)...].starts(with: Array("--".utf8)) else {
            return nil
        }
        var parts: [Part] = []
        for (start, end) in zip(positions, positions.dropFirst()) {
            var contentStart = start + delimiter.count
            // Skip transport padding and the line break after the delimiter.
            while contentStart < end, body[contentStart] == 0x20 || body[contentStart] == 0x09 { contentStart += 1 }
            if contentStart < end, body[contentStart] == 0x0D { contentStart += 1 }
            if contentStart < end, body[contentStart] == 0x0A { contentStart += 1 }
            var contentEnd = end
            if contentEnd > contentStart, body[contentEnd - 1] == 0x0A { contentEnd -= 1 }
            if contentEnd > contentStart, body[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            parts.append(splitHeaders(Array(body[contentStart..<contentEnd])))
        }
        return parts
    }

    private static func splitHeaders(_ part: [UInt8]) -> Part {
        var headers: [String: String] = [:]
        var index = 0
        while index < part.count {
            let lineEnd = part[index...].firstIndex(of: 0x0A) ?? part.count
            var line = part[index..<lineEnd]
            if line.last == 0x0D { line = line.dropLast() }
            index = lineEnd + 1
            if line.isEmpty { break }
            let text = String(decoding: line, as: UTF8.self)
            if let colon = text.firstIndex(of: ":") {
                headers[text[..<colon].lowercased()] = String(text[text.index(after: colon)...]).trimmingCharacters(
                    in: " \t"
                )
            }
        }
        return Part(headers: headers, body: index < part.count ? Array(part[index...]) : [])
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        var index = start
        let first = needle[0]
        while index <= haystack.count - needle.count {
            if haystack[index] == first && haystack[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}

extension String {
    /// Drops leading and trailing characters found in `set`.
    fileprivate func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        return String(drop { characters.contains($0) }.reversed().drop { characters.contains($0) }.reversed())
    }
}
