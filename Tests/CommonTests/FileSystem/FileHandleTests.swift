import Common
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct FileHandleTests {
    /// Bytes written, synced and closed read back identically, and the offset counts them.
    @Test func writtenBytesReadBack() throws {
        try TemporaryDirectory.with { directory in
            let path = directory.file("data.bin")
            let bytes = TestBytes.random(count: 300_000)
            let writer = try FileHandleWriter.create(path: path)
            try writer.write(bytes)
            #expect(writer.offset == 300_000)
            try writer.sync()
            try writer.close()
            try writer.close()
            #expect(!writer.isOpen)
            #expect(try FileSystem.readFile(path) == bytes)
            #expect(try FileSystem.fileSize(path) == 300_000)
            #expect(try FileSystem.permissions(of: path) == 0o600)
        }
    }

    /// Short writes are looped over until every byte is written.
    @Test func shortWritesAreCompleted() throws {
        defer { SystemCallFaults.reset() }
        try TemporaryDirectory.with { directory in
            let path = directory.file("short.bin")
            let bytes = TestBytes.random(count: 10_000)
            SystemCallFaults.limitWrites(toBytes: 7, times: 50)
            try FileHandleWriter.withCreated(path: path) { try $0.write(bytes) }
            #expect(try FileSystem.readFile(path) == bytes)
        }
    }

    /// A write interrupted by a signal (EINTR) is retried, not reported.
    @Test func interruptedWriteIsRetried() throws {
        defer { SystemCallFaults.reset() }
        try TemporaryDirectory.with { directory in
            let path = directory.file("eintr.bin")
            SystemCallFaults.inject(call: "write", errno: EINTR, times: 3)
            try FileHandleWriter.withCreated(path: path) { try $0.write(Array("hello".utf8)) }
            #expect(try FileSystem.readFile(path) == Array("hello".utf8))
        }
    }

    /// Exclusive creation refuses an existing file; non-exclusive creation truncates it.
    @Test func exclusiveCreateRefusesExistingFile() throws {
        try TemporaryDirectory.with { directory in
            let path = directory.file("once")
            try FileHandleWriter.withCreated(path: path) { try $0.write(Array("first version".utf8)) }
            let error = #expect(throws: SysproBQError.self) { try FileHandleWriter.create(path: path) }
            #expect(error?.code == .fileSystem)
            #expect(error?.cause == .errno(EEXIST, call: "open"))
            #expect(error?.message.contains(path) == true)
            try FileHandleWriter.withCreated(path: path, permissions: 0o640, exclusive: false) {
                try $0.write(Array("2".utf8))
            }
            #expect(try FileSystem.readFile(path) == Array("2".utf8))
            #expect(try FileSystem.permissions(of: path) == 0o640)
        }
    }

    /// Appending starts at the current size; truncation drops a tail and later appends follow it.
    @Test func appendAndTruncate() throws {
        try TemporaryDirectory.with { directory in
            let path = directory.file("log")
            try FileHandleWriter.withCreated(path: path) { try $0.write(Array("abcdef".utf8)) }
            let writer = try FileHandleWriter.open(appendingTo: path)
            #expect(writer.offset == 6)
            try writer.write(Array("gh".utf8))
            #expect(writer.offset == 8)
            try writer.truncate(to: 3)
            try writer.write(Array("XY".utf8))
            try writer.close()
            #expect(try FileSystem.readFile(path) == Array("abcXY".utf8))
        }
    }

    /// The reader reads sequentially, at offsets without moving, reports the size, and sees end of file.
    @Test func readerReadsSequentiallyAndAtOffsets() throws {
        try TemporaryDirectory.with { directory in
            let path = directory.file("read.bin")
            let bytes = TestBytes.random(count: 1_000)
            try directory.write(bytes, to: "read.bin")
            try FileHandleReader.withOpened(path: path) { reader in
                #expect(try reader.size == 1_000)
                #expect(try reader.read(at: 990, count: 50) == Array(bytes[990...]))
                var buffer = [UInt8](repeating: 0, count: 600)
                let first = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
                #expect(first == 600)
                #expect(buffer == Array(bytes[..<600]))
                let middle = try buffer.withUnsafeMutableBytes { try reader.pread(at: 100, into: $0) }
                #expect(middle == 600)
                #expect(buffer == Array(bytes[100..<700]))
                #expect(try reader.readToEnd() == Array(bytes[600...]))
                let atEnd = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
                #expect(atEnd == 0)
            }
        }
    }

    /// Reading to the end returns every byte whether the file's size is known, unknown (fstat fails) or stale
    /// (a file the kernel reports as empty), and an empty file reads as empty.
    @Test func readToEndReadsEveryByteWhateverTheSizeSays() throws {
        defer { SystemCallFaults.reset() }
        try TemporaryDirectory.with { directory in
            let bytes = TestBytes.random(count: 700_000)
            try directory.write(bytes, to: "big.bin")
            try directory.write([], to: "empty.bin")
            let path = directory.file("big.bin")
            #expect(try FileSystem.readFile(path) == bytes)
            #expect(try FileSystem.readFile(directory.file("empty.bin")) == [])
            SystemCallFaults.inject(call: "fstat", errno: EIO)
            #expect(try FileSystem.readFile(path) == bytes)
            SystemCallFaults.reset()
            #expect(try FileSystem.fileSize("/proc/self/status") == 0)
            let status = String(decoding: try FileSystem.readFile("/proc/self/status"), as: UTF8.self)
            #expect(status.hasPrefix("Name:") && status.contains("VmRSS:") && status.hasSuffix("\n"))
        }
    }

    /// Opening a missing file names the path and says the file does not exist.
    @Test func missingFileIsNamed() throws {
        try TemporaryDirectory.with { directory in
            let path = directory.file("absent")
            let error = #expect(throws: SysproBQError.self) { try FileHandleReader.open(path: path) }
            #expect(error?.message.contains(path) == true)
            #expect(error?.cause == .errno(ENOENT, call: "open"))
            #expect(error?.disposition == .terminal)
        }
    }
}
