import Common
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct WriteAtomicallyTests {
    /// A successful atomic write replaces the content, sets the permissions and leaves no temporary file.
    @Test func replacesContentAndLeavesNoTemporary() throws {
        try TemporaryDirectory.with { directory in
            let path = directory.file("manifest.json")
            try FileSystem.writeAtomically(Array("old".utf8), to: path)
            try FileSystem.writeAtomically(Array("new content".utf8), to: path, permissions: 0o644)
            #expect(try FileSystem.readFile(path) == Array("new content".utf8))
            #expect(try FileSystem.permissions(of: path) == 0o644)
            #expect(try FileSystem.contentsOfDirectory(directory.path) == ["manifest.json"])
        }
    }

    /// A full disk, an I/O error on fsync or on rename each throw a `.fileSystem` error naming the path and the
    /// call, needing a human, and leave neither a new target nor the temporary file.
    @Test(arguments: [("write", ENOSPC), ("fsync", EIO), ("rename", EIO), ("open", EACCES)])
    func faultLeavesNothingBehind(call: String, code: Int32) throws {
        defer { SystemCallFaults.reset() }
        try TemporaryDirectory.with { directory in
            let path = directory.file("state.json")
            SystemCallFaults.inject(call: call, errno: code)
            let error = #expect(throws: SysproBQError.self) {
                try FileSystem.writeAtomically(Array("never visible".utf8), to: path)
            }
            SystemCallFaults.reset()
            #expect(error?.code == .fileSystem)
            #expect(error?.message.contains(path) == true)
            #expect(error?.message.contains("\(call) failed") == true, "\(String(describing: error?.message))")
            #expect(error?.cause == .errno(code, call: call))
            #expect(error?.disposition == .needsHuman)
            #expect(error?.remedy != nil)
            let listing = try FileSystem.contentsOfDirectory(directory.path)
            #expect(listing.isEmpty)
        }
    }

    /// A failed replacement keeps the previous content of the target intact.
    @Test func failedReplacementKeepsOldContent() throws {
        defer { SystemCallFaults.reset() }
        try TemporaryDirectory.with { directory in
            let path = directory.file("watermark")
            try FileSystem.writeAtomically(Array("0x00000000000007D1".utf8), to: path)
            SystemCallFaults.inject(call: "write", errno: ENOSPC)
            let error = #expect(throws: SysproBQError.self) {
                try FileSystem.writeAtomically(Array("0x00000000000009FF".utf8), to: path)
            }
            #expect(error?.remedy?.contains("free disk space") == true)
            SystemCallFaults.reset()
            #expect(try FileSystem.readFile(path) == Array("0x00000000000007D1".utf8))
            #expect(try FileSystem.contentsOfDirectory(directory.path) == ["watermark"])
        }
    }

    /// A fault scheduled after N successful calls fires on call N+1 only (each atomic write makes two fsync calls:
    /// the file, then the directory).
    @Test func faultAfterCountFiresLater() throws {
        defer { SystemCallFaults.reset() }
        try TemporaryDirectory.with { directory in
            SystemCallFaults.inject(call: "fsync", errno: EIO, after: 2)
            try FileSystem.writeAtomically(Array("a".utf8), to: directory.file("first"))
            #expect(throws: SysproBQError.self) {
                try FileSystem.writeAtomically(Array("b".utf8), to: directory.file("second"))
            }
            try FileSystem.writeAtomically(Array("c".utf8), to: directory.file("third"))
            #expect(try FileSystem.contentsOfDirectory(directory.path) == ["first", "third"])
        }
    }
}
