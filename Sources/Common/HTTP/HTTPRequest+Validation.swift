extension HTTPRequest {
    /// Refuses a request that cannot be sent as written: a body on GET or HEAD (it would be dropped), or a
    /// header field that is not valid HTTP (a line break in a value would inject header lines).
    ///
    /// Every ``HTTPTransport`` in this module calls it first, so the scripted transport refuses exactly what
    /// ``CurlHTTPClient`` refuses.
    ///
    /// - Throws: ``SysproBQError`` `.internalError` for a body on GET/HEAD, `.invalidData` for a bad header;
    ///   both terminal.
    func validate() throws {
        if !method.allowsBody, body != .none {
            throw SysproBQError(
                .internalError,
                "\(self) has a body, but \(method.rawValue) requests are sent without one",
                disposition: .terminal
            )
        }
        for header in headers where !Self.isToken(header.name) || !Self.isFieldValue(header.value) {
            throw SysproBQError(
                .invalidData,
                "\(self) has a header field that is not valid HTTP (name \"\(header.name)\")",
                remedy: "Header names are RFC 9110 tokens (no spaces, colons or semicolons); values may not contain "
                    + "line breaks or NUL.",
                disposition: .terminal
            )
        }
    }

    /// RFC 9110 §5.6.2: `token = 1*tchar`, `tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "."
    /// / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA`.
    private static func isToken(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "A")...UInt8(ascii: "Z"):
                    return true
                default:
                    return "!#$%&'*+-.^_`|~".utf8.contains(byte)
                }
            }
    }

    /// RFC 9110 §5.5: CR, LF and NUL never appear in a field value.
    private static func isFieldValue(_ value: String) -> Bool {
        !value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }
    }
}
