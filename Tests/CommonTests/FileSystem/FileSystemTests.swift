import Common
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct FileSystemTests {
    /// Directories are created with exact permissions, with parents when asked, and listed in byte order.
    @Test func directoriesAreCreatedAndListedSorted() throws {
        try TemporaryDirectory.with { directory in
            let nested = directory.file("staging/streams/A")
            #expect(throws: SysproBQError.self) { try FileSystem.makeDirectory(nested) }
            try FileSystem.makeDirectory(nested, intermediate: true)
            try FileSystem.makeDirectory(nested, intermediate: true)
            #expect(FileSystem.isDirectory(nested))
            #expect(try FileSystem.permissions(of: nested) == 0o700)
            #expect(try FileSystem.permissions(of: directory.file("staging")) == 0o700)
            let error = #expect(throws: SysproBQError.self) { try FileSystem.makeDirectory(nested) }
            #expect(error?.cause == .errno(EEXIST, call: "mkdir"))

            for name in ["b", "B", "a-10", "a-9", "_x"] {
                try FileSystem.writeAtomically([], to: nested + "/" + name)
            }
            #expect(try FileSystem.contentsOfDirectory(nested) == ["B", "_x", "a-10", "a-9", "b"])
        }
    }

    /// exists, isDirectory, remove and setPermissions behave as their names say.
    @Test func existsRemoveAndPermissions() throws {
        try TemporaryDirectory.with { directory in
            let file = directory.file("f")
            let folder = directory.file("d")
            #expect(!FileSystem.exists(file))
            try FileSystem.writeAtomically(Array("x".utf8), to: file)
            try FileSystem.makeDirectory(folder)
            #expect(FileSystem.exists(file) && !FileSystem.isDirectory(file))
            #expect(FileSystem.exists(folder) && FileSystem.isDirectory(folder))
            try FileSystem.setPermissions(of: file, to: 0o400)
            #expect(try FileSystem.permissions(of: file) == 0o400)
            try FileSystem.remove(file)
            try FileSystem.remove(folder)
            #expect(!FileSystem.exists(file) && !FileSystem.exists(folder))
            let error = #expect(throws: SysproBQError.self) { try FileSystem.remove(file) }
            #expect(error?.cause == .errno(ENOENT, call: "lstat"))
        }
    }

    /// rename moves a file over another, and a failed rename names both paths.
    @Test func renameReplacesAndNamesBothPaths() throws {
        try TemporaryDirectory.with { directory in
            try FileSystem.writeAtomically(Array("1".utf8), to: directory.file("a"))
            try FileSystem.writeAtomically(Array("2".utf8), to: directory.file("b"))
            try FileSystem.rename(directory.file("a"), directory.file("b"))
            try FileSystem.syncDirectory(directory.path)
            #expect(try FileSystem.readFile(directory.file("b")) == Array("1".utf8))
            let error = #expect(throws: SysproBQError.self) {
                try FileSystem.rename(directory.file("a"), directory.file("c"))
            }
            #expect(error?.message.contains(directory.file("a")) == true)
            #expect(error?.message.contains(directory.file("c")) == true)
        }
    }

    /// Path helpers split paths the way the durable-replace protocol needs.
    @Test(arguments: [("a", ".", "a"), ("/a", "/", "a"), ("/x/y/z", "/x/y", "z"), ("x/y/", "x", "y")])
    func pathComponents(path: String, parent: String, last: String) {
        #expect(FileSystem.parentDirectory(of: path) == parent)
        #expect(FileSystem.lastComponent(of: path) == last)
    }

    /// Errors are classified by what a person must do.
    @Test func errorsAreClassifiedByAction() throws {
        defer { SystemCallFaults.reset() }
        try TemporaryDirectory.with { directory in
            for (code, disposition) in [(EROFS, SysproBQError.Disposition.needsHuman), (EMFILE, .retryable)] {
                SystemCallFaults.inject(call: "open", errno: code)
                let error = #expect(throws: SysproBQError.self) {
                    try FileHandleWriter.create(path: directory.file("x"))
                }
                #expect(error?.disposition == disposition)
                #expect(error?.remedy != nil)
            }
        }
    }
}
