import Common
import Foundation
import Testing

@testable import SegmentLog

/// A tiny segment and manifest written from fixed inputs; their bytes and hashes are pinned so that any
/// format change is noticed (docs/staging-format.md §11 walks through the same example).
@Suite struct GoldenFixtureTests {
    static let rows = [
        #"{"_insert_id":"0123456789abcdef0123456789abcdef","Supplier":"   10","Invoice":"INV-001","OrigInvValue":"1234.50","InvoiceDate":"2024-03-31","Notes":null}"#,
        #"{"_insert_id":"fedcba9876543210fedcba9876543210","Supplier":"0000000150802","Invoice":"INV-002","OrigInvValue":"-0.01","InvoiceDate":"2024-03-01","Notes":"a \"quoted\" note"}"#,
        #"{"_insert_id":"00000000000000000000000000000000","Supplier":"   10","Invoice":"CR-9","OrigInvValue":"10.00","InvoiceDate":null,"Notes":"é"}"#,
    ]

    /// Writes the fixture into a fresh staging directory and returns it with its manifest.
    static func write() throws -> (TestStaging, Manifest) {
        let staging = try TestStaging()
        var manifest: Manifest?
        try staging.log.withWriter(
            stream: staging.stream,
            schema: TestStaging.schema,
            runID: "20261127T150000Z-4f2a9c",
            options: WriterOptions(blockSize: 256, compressionLevel: 6)
        ) { writer in
            for row in rows { try writer.append(line: Array(row.utf8)) }
            manifest = try writer.seal(
                SealMetadata(
                    sourceQuery: "ApInvoice?$orderby=TimeStamp,Supplier,Invoice",
                    cursor: CursorRange(from: nil, to: "0x00000000000007D1"),
                    businessDates: try BusinessDateRange(min: "2024-03-01", max: "2024-03-31"),
                    controlTotals: try ControlTotals(
                        rowCount: 3,
                        amounts: ["OrigInvValue": "1244.49"],
                        groups: ["2024-03": ["OrigInvValue": "1244.49"]]
                    )
                )
            )
        }
        return (staging, manifest!)
    }

    /// The manifest file, byte for byte.
    static let manifestText =
        #"{"blocks":[{"compressedLength":155,"compressedOffset":0,"crc32":"bc5a556a","firstRow":0,"rowCount":1,"uncompressedLength":177},"#
        + #"{"compressedLength":165,"compressedOffset":155,"crc32":"08cedf0f","firstRow":1,"rowCount":1,"uncompressedLength":198},"#
        + #"{"compressedLength":134,"compressedOffset":320,"crc32":"e2e37964","firstRow":2,"rowCount":1,"uncompressedLength":164}],"#
        + #""businessDates":{"max":"2024-03-31","min":"2024-03-01"},"compressedSize":454,"#
        + #""controlTotals":{"amounts":{"OrigInvValue":"1244.49"},"groups":{"2024-03":{"OrigInvValue":"1244.49"}},"rowCount":3},"#
        + #""createdAt":"2026-11-27T15:00:00.000Z","cursor":{"from":null,"to":"0x00000000000007D1"},"formatVersion":1,"#
        + #""manifestHash":"35a874842e4dd3bf1787705602ab222ad1bcbd2e909b0f463c5e189a31f96bfe","#
        + #""previousManifestHash":"0000000000000000000000000000000000000000000000000000000000000000","rowCount":3,"#
        + #""runId":"20261127T150000Z-4f2a9c","#
        + #""schemaFingerprint":"70c710c64b2da1a336cf651ef39e48d68b4ef1667df5caa640c39be44901d907","#
        + #""segment":"segment-000000000001.ndjson.gz","#
        + #""segmentSHA256":"f591cbf248bc5ff703ab876dc887f9ccf564610c491fd19cf3005c7d13351ab4","sequence":1,"#
        + #""sourceQuery":"ApInvoice?$orderby=TimeStamp,Supplier,Invoice","stream":{"company":"A","table":"ApInvoice"},"#
        + #""uncompressedSize":539}"# + "\n"

    /// The first block's gzip member: header and trailer, annotated (RFC 1952 §2.3).
    static let firstMemberHeader: [UInt8] = [
        0x1F, 0x8B,  // ID1, ID2: gzip magic
        0x08,  // CM: deflate
        0x00,  // FLG: no name, no comment, no extra field, no header CRC
        0x00, 0x00, 0x00, 0x00,  // MTIME: 0, so equal input gives equal bytes
        0x00,  // XFL: 0 at level 6
        0x03,  // OS: Unix (zlib's default)
    ]
    static let firstMemberTrailer: [UInt8] = [
        0xE2, 0x92, 0x17, 0xE2,  // CRC32 of the 177 uncompressed bytes, little-endian: 0xe21792e2
        0xB1, 0x00, 0x00, 0x00,  // ISIZE: 177, little-endian
    ]

    /// The fixture's segment, manifest and schema have exactly the pinned bytes and hashes.
    @Test func fixtureBytesArePinned() throws {
        let (staging, manifest) = try Self.write()
        let segment = try [UInt8](Data(contentsOf: URL(fileURLWithPath: staging.path(.segment(1)))))
        let manifestBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: staging.path(.manifest(1)))))
        #expect(String(decoding: manifestBytes, as: UTF8.self) == Self.manifestText)
        #expect(manifest.fileBytes == manifestBytes)
        #expect(segment.count == 454)
        #expect(SHA256.hash(segment).hex == "f591cbf248bc5ff703ab876dc887f9ccf564610c491fd19cf3005c7d13351ab4")
        #expect(Array(segment[0..<10]) == Self.firstMemberHeader)
        #expect(Array(segment[147..<155]) == Self.firstMemberTrailer)
        #expect(Array(segment[155..<165]) == Self.firstMemberHeader)  // the second member starts right after
        #expect(CRC32.checksum(Array(segment[0..<155])) == 0xBC5A_556A)
        #expect(manifest.manifestHash == "35a874842e4dd3bf1787705602ab222ad1bcbd2e909b0f463c5e189a31f96bfe")
        #expect(manifest.computedHash == manifest.manifestHash)
        #expect(TestStaging.schema.fingerprint == "70c710c64b2da1a336cf651ef39e48d68b4ef1667df5caa640c39be44901d907")
        let lines = try staging.readLines(manifest)
        #expect(
            lines.map { String(decoding: $0, as: UTF8.self) }
                == Self.rows.enumerated().map { index, row in
                    #"{"_segment":1,"_line":\#(index),"# + row.dropFirst()
                }
        )
    }

    /// Prints the fixture's figures (run with SEGMENTLOG_PRINT_GOLDEN=1 to refresh this test and the spec).
    @Test func fixtureFiguresArePrinted() throws {
        let (staging, manifest) = try Self.write()
        let segment = try [UInt8](Data(contentsOf: URL(fileURLWithPath: staging.path(.segment(1)))))
        if ProcessInfo.processInfo.environment["SEGMENTLOG_PRINT_GOLDEN"] != nil {
            print("SEGMENT HEX", segment.map { String(format: "%02x", $0) }.joined())
            print("MANIFEST", String(decoding: manifest.fileBytes, as: UTF8.self))
            print(
                "SCHEMA",
                String(decoding: TestStaging.schema.canonicalBytes, as: UTF8.self),
                TestStaging.schema.fingerprint
            )
        }
        #expect(segment.count == Int(manifest.compressedSize))
    }
}
