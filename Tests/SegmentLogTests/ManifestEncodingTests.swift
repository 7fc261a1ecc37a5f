import Common
import Foundation
import Testing

@testable import SegmentLog

/// The direct manifest writer and the faster generic encoder must produce exactly the bytes of the
/// original value-tree encoder (sorted by `utf8.lexicographicallyPrecedes`, escaped byte by byte), so that
/// existing logs keep verifying and hashes do not change.
@Suite struct ManifestEncodingTests {
    /// The original encoder, kept here verbatim in behaviour as the reference the fast paths must match.
    static func referenceEncoding(_ value: CanonicalJSON) -> [UInt8] {
        var output: [UInt8] = []
        func string(_ bytes: String.UTF8View) {
            output.append(UInt8(ascii: "\""))
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\""): output.append(contentsOf: [0x5C, 0x22])
                case UInt8(ascii: "\\"): output.append(contentsOf: [0x5C, 0x5C])
                case 0x08: output.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0C: output.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x00..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    output.append(contentsOf: Array(#"\u00"#.utf8))
                    output.append(hex[Int(byte >> 4)])
                    output.append(hex[Int(byte & 0x0F)])
                default: output.append(byte)
                }
            }
            output.append(UInt8(ascii: "\""))
        }
        func encode(_ value: CanonicalJSON) {
            switch value {
            case .null: output.append(contentsOf: "null".utf8)
            case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
            case .integer(let number): output.append(contentsOf: String(number).utf8)
            case .string(let text): string(text.utf8)
            case .array(let values):
                output.append(UInt8(ascii: "["))
                for (index, element) in values.enumerated() {
                    if index > 0 { output.append(UInt8(ascii: ",")) }
                    encode(element)
                }
                output.append(UInt8(ascii: "]"))
            case .object(let members):
                output.append(UInt8(ascii: "{"))
                let sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
                for (index, member) in sorted.enumerated() {
                    if index > 0 { output.append(UInt8(ascii: ",")) }
                    string(member.key.utf8)
                    output.append(UInt8(ascii: ":"))
                    encode(member.value)
                }
                output.append(UInt8(ascii: "}"))
            }
        }
        encode(value)
        return output
    }

    /// Awkward texts: escapes, control bytes, non-ASCII (whose UTF-8 order differs from String's `<`), prefixes.
    static let awkward = [
        "", "a", "a\"b", "back\\slash", "tab\there", "\u{1}ctl\u{1F}", "é", "e\u{301}", "\u{FB01}", "€", "😀", "Z",
        "journal:2024-1-", "journal:2024-10-", "journal:2024-1-\u{7F}",
    ]

    /// A GenTransaction-style manifest with `groupCount` journal and account groups plus awkward texts.
    static func glManifest(groupCount: Int, sequence: UInt64 = 7) throws -> Manifest {
        var groups: [String: [String: String]] = [:]
        for index in 0..<groupCount {
            let period = index % 13
            groups["journal:2024-\(period)-\(index)"] = [
                "debit": "\(index).25", "credit": "\(index * 3).0\(index % 10)",
            ]
            groups["account:2024-\(period)-   \(index % 97)-\(index)"] = ["debit": "0.00", "credit": "-\(index)"]
        }
        for (index, text) in awkward.enumerated() {
            groups["account:\(text)"] = ["debit": "\(index)", "credit": "1", text: "2.5"]
        }
        var amounts: [String: String] = ["EntryValue": "-12345678901234567890.123456"]
        for (index, text) in awkward.enumerated() { amounts[text] = "\(index).1" }
        let blocks = (0..<40).map { index in
            BlockIndexEntry(
                compressedOffset: Int64(index) * 4096,
                compressedLength: 4096,
                crc32: UInt32(truncatingIfNeeded: index &* 2_654_435_761),
                firstRow: Int64(index) * 2500,
                rowCount: 2500,
                uncompressedLength: 1_000_000 + Int64(index)
            )
        }
        return Manifest(
            stream: try StreamID(company: "A", table: "GenTransaction"),
            sequence: sequence,
            createdAt: "2026-11-27T15:00:00.000Z",
            runID: "20261127T150000Z-4f2a9c",
            sourceQuery: "GenTransaction?$filter=x eq \"é\\\u{9}\"",
            cursor: CursorRange(from: nil, to: "0x00000000000007D1"),
            businessDates: try BusinessDateRange(min: "2024-01-01", max: "2024-12-31"),
            rowCount: 100_000,
            compressedSize: 163_840,
            uncompressedSize: 40_000_780,
            segmentSHA256: String(repeating: "ab", count: 32),
            blocks: blocks,
            controlTotals: try ControlTotals(rowCount: 100_000, amounts: amounts, groups: groups),
            schemaFingerprint: String(repeating: "cd", count: 32),
            previousManifestHash: String(repeating: "0", count: 64)
        )
    }

    /// The direct writer's file bytes and hash equal the reference encoder's, for small and GL-heavy manifests.
    @Test(arguments: [0, 1, 3, 5000])
    func directEncodingMatchesValueEncoding(groupCount: Int) throws {
        let manifest = try Self.glManifest(groupCount: groupCount)
        let reference = Self.referenceEncoding(manifest.canonicalJSON(includingHash: true)) + [Format.lineFeed]
        let referenceHash = Hashing.sha256Hex(Self.referenceEncoding(manifest.canonicalJSON(includingHash: false)))
        #expect(manifest.fileBytes == reference)
        #expect(manifest.manifestHash == referenceHash)
        #expect(manifest.computedHash == referenceHash)
        let (fileBytes, computed) = manifest.encodedForVerification()
        #expect(fileBytes == reference)
        #expect(computed == referenceHash)
    }

    /// Groups written by `GroupTotalsEncoder` (in byte order, straight to bytes) give the same manifest bytes and
    /// hash as the same groups held as dictionaries, decode back to them, and compare equal.
    @Test(arguments: [0, 1, 5000])
    func encodedGroupsMatchDictionaryGroups(groupCount: Int) throws {
        let manifest = try Self.glManifest(groupCount: groupCount)
        let groups = manifest.controlTotals.groups
        var encoder = GroupTotalsEncoder(expectedGroups: groups.count)
        for name in groups.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let sums = groups[name]!.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            try Array(name.utf8).withUnsafeBufferPointer {
                try encoder.append(name: $0, sums: sums.map { ($0.key, $0.value) })
            }
        }
        let totals = try ControlTotals(
            rowCount: manifest.controlTotals.rowCount,
            amounts: manifest.controlTotals.amounts,
            encodedGroups: encoder.finish()
        )
        #expect(totals.groupCount == groups.count)
        #expect(totals.groups == groups)
        #expect(totals == manifest.controlTotals)
        let encoded = Manifest(
            stream: manifest.stream,
            sequence: manifest.sequence,
            createdAt: manifest.createdAt,
            runID: manifest.runID,
            sourceQuery: manifest.sourceQuery,
            cursor: manifest.cursor,
            businessDates: manifest.businessDates,
            rowCount: manifest.rowCount,
            compressedSize: manifest.compressedSize,
            uncompressedSize: manifest.uncompressedSize,
            segmentSHA256: manifest.segmentSHA256,
            blocks: manifest.blocks,
            controlTotals: totals,
            schemaFingerprint: manifest.schemaFingerprint,
            previousManifestHash: manifest.previousManifestHash
        )
        #expect(encoded.fileBytes == manifest.fileBytes)
        #expect(encoded.manifestHash == manifest.manifestHash)
    }

    /// Groups or sums out of byte order, and sums that are not decimal text, are refused.
    @Test func groupTotalsEncoderRefusesDisorderAndNonDecimals() throws {
        var encoder = GroupTotalsEncoder()
        try Array("journal:2024-10-1".utf8).withUnsafeBufferPointer {
            try encoder.append(name: $0, sums: [("credit", "1.00"), ("debit", "2.00")])
        }
        // "journal:2024-1-" sorts before "journal:2024-10-" by bytes.
        let disordered = caughtError {
            try Array("journal:2024-1-9".utf8).withUnsafeBufferPointer {
                try encoder.append(name: $0, sums: [("credit", "1.00"), ("debit", "2.00")])
            }
        }
        #expect(disordered?.code == .internalError)
        let sumsDisordered = caughtError {
            try Array("z".utf8).withUnsafeBufferPointer {
                try encoder.append(name: $0, sums: [("debit", "1"), ("credit", "2")])
            }
        }
        #expect(sumsDisordered?.code == .internalError)
        let notDecimal = caughtError {
            try Array("zz".utf8).withUnsafeBufferPointer { try encoder.append(name: $0, sums: [("credit", "1e5")]) }
        }
        #expect(notDecimal?.code == .invalidData)
        #expect(encoder.finish().count == 1)
    }

    private func caughtError(_ body: () throws -> Void) -> SysproBQError? {
        do {
            try body()
            return nil
        } catch {
            return error as? SysproBQError
        }
    }

    /// The generic encoder (order check, byte comparison, run-copying escapes) equals the reference encoder.
    @Test func genericEncodingMatchesReference() throws {
        let manifest = try Self.glManifest(groupCount: 300)
        for value in [manifest.canonicalJSON(includingHash: true), manifest.canonicalJSON(includingHash: false)] {
            #expect(value.encoded() == Self.referenceEncoding(value))
        }
        var members: [String: CanonicalJSON] = [:]
        for (index, text) in Self.awkward.enumerated() {
            members[text] = .array([.string(text), .integer(Int64(index))])
        }
        let value = CanonicalJSON.object(members)
        #expect(value.encoded() == Self.referenceEncoding(value))
    }

    /// A GL-heavy manifest decodes back to itself, and a changed total is caught by the hash check.
    @Test func glHeavyManifestRoundTripsAndTamperingIsCaught() throws {
        let manifest = try Self.glManifest(groupCount: 2000)
        let bytes = manifest.fileBytes
        #expect(try Manifest.decode(bytes, file: "manifest.json") == manifest)
        let text = String(decoding: bytes, as: UTF8.self)
        let tampered = Array(text.replacingOccurrences(of: #""debit":"1999.25""#, with: #""debit":"1999.26""#).utf8)
        #expect(tampered != bytes)
        #expect(throws: SysproBQError.self) { try Manifest.decode(tampered, file: "manifest.json") }
    }

    /// A manifest without its group totals keeps every other field and the full manifest's hash.
    @Test func droppingGroupTotalsKeepsHashAndOtherFields() throws {
        let manifest = try Self.glManifest(groupCount: 50)
        let light = manifest.droppingGroupTotals()
        #expect(light.controlTotals.groups.isEmpty)
        #expect(light.controlTotals.amounts == manifest.controlTotals.amounts)
        #expect(light.controlTotals.rowCount == manifest.controlTotals.rowCount)
        #expect(light.manifestHash == manifest.manifestHash)
        #expect(light.blocks == manifest.blocks && light.segmentSHA256 == manifest.segmentSHA256)
        #expect(light.previousManifestHash == manifest.previousManifestHash)
    }

    /// Reading a manifest without its group totals gives exactly the full decode minus its groups, and its hash
    /// check over the file's bytes still catches an edit inside the skipped groups, outside them, and a cut.
    @Test func decodingWithoutGroupTotalsMatchesFullDecodeAndCatchesEdits() throws {
        let manifest = try Self.glManifest(groupCount: 500)
        let bytes = manifest.fileBytes
        let light = try Manifest.decodeWithoutGroupTotals(bytes, file: "manifest.json")
        #expect(light == manifest.droppingGroupTotals())
        #expect(light.controlTotals.groups.isEmpty)

        let text = String(decoding: bytes, as: UTF8.self)
        let inGroups = text.replacingOccurrences(of: #""debit":"499.25""#, with: #""debit":"499.26""#)
        let outside = text.replacingOccurrences(of: #""rowCount":2500"#, with: #""rowCount":2501"#)
        #expect(inGroups != text && outside != text)
        for edited in [inGroups, outside] {
            let error = #expect(throws: SysproBQError.self) {
                try Manifest.decodeWithoutGroupTotals(Array(edited.utf8), file: "manifest.json")
            }
            #expect(error?.code == .corruption)
        }
        #expect(throws: SysproBQError.self) {
            try Manifest.decodeWithoutGroupTotals(Array(bytes.prefix(bytes.count / 2)) + [0x0A], file: "m.json")
        }
        #expect(throws: SysproBQError.self) {
            try Manifest.decodeWithoutGroupTotals(Array(bytes.dropLast()), file: "m")
        }
    }

    /// Skipping an object checks its brackets and strings; quotes, brackets and escapes inside strings do not
    /// confuse it, and what follows it is parsed as usual.
    @Test func parseSkippingAnObject() throws {
        let json = #"{"a":{"b":{"x":"}]{[\"","y":{"z":[1,2,{}]}},"c":"d"},"e":[1,2]}"#
        let value = try CanonicalJSON.parse(Array(json.utf8), skippingObjectAt: ["a", "b"])
        #expect(
            value
                == .object([
                    "a": .object(["b": .object([:]), "c": .string("d")]), "e": .array([.integer(1), .integer(2)]),
                ])
        )
        #expect(
            try CanonicalJSON.parse(Array(json.utf8), skippingObjectAt: ["zz"]) == CanonicalJSON.parse(Array(json.utf8))
        )
        for broken in [#"{"a":{"b":{"x":"y"}"#, #"{"a":{"b":{"x":"y}}}"#, "{\"a\":{\"b\":{\"x\":\"\u{1}\"}}}"] {
            #expect(throws: CanonicalJSON.ParseError.self) {
                try CanonicalJSON.parse(Array(broken.utf8), skippingObjectAt: ["a", "b"])
            }
        }
    }

    /// A skipped object's faults are reported with their reason and where they are: the end of the input for
    /// what is cut off, just past a raw control byte, at the bracket that nests too deep.
    @Test func skippedObjectFaultsNameWhereTheyAre() throws {
        let deep = #"{"a":{"b":{"x":"# + String(repeating: "[", count: 70)
        let cases: [(String, String, Int)] = [
            (#"{"a":{"b":{"x":"y"}"#, "unexpected end of input in an object", 19),
            (#"{"a":{"b":{"x":"y}}}"#, "unterminated string", 20),
            ("{\"a\":{\"b\":{\"x\":\"q\u{1}\"}}}", "raw control byte in a string", 18),
            (#"{"a":{"b":{"x":"\"#, "unterminated escape", 17),
            (deep, "nesting deeper than 64", 75),
        ]
        for (broken, reason, offset) in cases {
            let error = #expect(throws: CanonicalJSON.ParseError.self) {
                try CanonicalJSON.parse(Array(broken.utf8), skippingObjectAt: ["a", "b"])
            }
            #expect(error?.reason == reason, "\(broken)")
            #expect(error?.offset == offset, "\(broken)")
        }
    }

    /// isDecimalText accepts exactly `-?DIGITS(.DIGITS)?`.
    @Test(arguments: [
        ("0", true), ("-12.50", true), ("007", true), ("", false), ("-", false), ("1.", false), (".5", false),
        ("+1", false), ("1.2.3", false), ("1e5", false), (" 1", false), ("--1", false), ("-.1", false), ("١", false),
    ])
    func decimalTextGrammar(text: String, valid: Bool) {
        #expect(ControlTotals.isDecimalText(text) == valid)
    }
}
