import Testing

@testable import SegmentLog

@Suite struct CanonicalJSONTests {
    /// Keys are sorted by UTF-8 bytes and no whitespace is written.
    @Test func objectsAreSortedWithoutWhitespace() {
        let value = CanonicalJSON.object([
            "b": .integer(2), "a": .array([.null, .bool(true)]), "B": .string("x"), "é": .integer(-3),
        ])
        #expect(String(decoding: value.encoded(), as: UTF8.self) == #"{"B":"x","a":[null,true],"b":2,"é":-3}"#)
    }

    /// Strings escape only quote, backslash and control bytes; '/', DEL and non-ASCII stay raw.
    @Test func stringsAreEscapedMinimally() {
        let value = CanonicalJSON.string("q\"b\\/\u{8}\u{9}\n\u{C}\r\u{1}\u{1F}\u{7F}é€😀")
        #expect(
            String(decoding: value.encoded(), as: UTF8.self) == "\"q\\\"b\\\\/\\b\\t\\n\\f\\r\\u0001\\u001f\u{7F}é€😀\""
        )
    }

    /// Parsing then encoding a canonical text gives the same bytes.
    @Test(arguments: [
        #"{"a":[1,-2,0],"b":{"c":null,"d":false},"e":"x\ny\u0001"}"#, #"[]"#, #"{}"#, #""\\\"""#,
        "9223372036854775807", "-9223372036854775808",
    ])
    func canonicalTextRoundTrips(text: String) throws {
        let value = try CanonicalJSON.parse(Array(text.utf8))
        #expect(String(decoding: value.encoded(), as: UTF8.self) == text)
    }

    /// Non-canonical but valid JSON parses, and re-encoding reveals that it was not canonical.
    @Test func nonCanonicalTextIsDetectedByReencoding() throws {
        let text = #"{ "b" : 1, "a" : "\u00e9\/" }"#
        let value = try CanonicalJSON.parse(Array(text.utf8))
        #expect(String(decoding: value.encoded(), as: UTF8.self) == #"{"a":"é/","b":1}"#)
    }

    /// Floats, exponents, leading zeros, duplicate keys, raw control bytes and trailing bytes are refused.
    @Test(arguments: [
        "1.5", "1e3", "01", "-", #"{"a":1,"a":2}"#, "\"a\u{1}\"", "{} x", "[1,]", #"{"a"}"#,
        "9223372036854775808", #""\ud800""#, "tru", "",
    ])
    func invalidTextIsRejected(text: String) {
        #expect(throws: CanonicalJSON.ParseError.self) { try CanonicalJSON.parse(Array(text.utf8)) }
    }

    /// The schema's canonical form and fingerprint are stable (a change here is a format change).
    @Test func schemaFingerprintIsStable() throws {
        let schema = try StreamSchema(
            columns: [ColumnSchema(name: "Key", sqlType: "varchar(10)", bigQueryType: .string, nullable: false)],
            keyColumns: ["Key"],
            businessDateColumn: nil,
            amountColumns: [],
            versionKind: .contentHash
        )
        let text = String(decoding: schema.canonicalBytes, as: UTF8.self)
        #expect(
            text
                == #"{"amountColumns":[],"businessDateColumn":null,"columns":[{"bigQueryType":"STRING","name":"Key","nullable":false,"sqlType":"varchar(10)"}],"keyColumns":["Key"],"versionKind":"contentHash"}"#
        )
        #expect(schema.fingerprint == Hashing.sha256Hex(schema.canonicalBytes))
        #expect(schema.fingerprint.count == 64)
    }

    /// A schema that names unknown columns is refused.
    @Test func schemaWithUnknownKeyIsRejected() {
        #expect(throws: (any Error).self) {
            try StreamSchema(
                columns: [ColumnSchema(name: "Key", sqlType: "int", bigQueryType: .int64, nullable: false)],
                keyColumns: ["Other"],
                businessDateColumn: nil,
                amountColumns: [],
                versionKind: .rowversion
            )
        }
    }
}
