import Common
import Foundation
import Testing

@Suite struct DirectoryLockTests {
    /// While held, the lock is refused to another process (`flock -n`) and to a second acquire; after release
    /// both succeed.
    @Test func lockIsHeldAcrossProcesses() throws {
        try TemporaryDirectory.with { directory in
            let lockFile = Shell.quote(DirectoryLock.lockPath(directory: directory.path, name: "run"))
            let lock = try #require(try DirectoryLock.acquire(directory: directory.path))
            let whileHeld = try Shell.run("flock -n \(lockFile) true")
            #expect(whileHeld.status == 1)
            #expect(try DirectoryLock.acquire(directory: directory.path) == nil)
            try lock.release()
            try lock.release()
            let afterRelease = try Shell.run("flock -n \(lockFile) true")
            #expect(afterRelease.status == 0)
            let again = try #require(try DirectoryLock.acquire(directory: directory.path))
            try again.release()
        }
    }

    /// A lock held by another process makes acquire return nil until that process lets go.
    @Test func lockHeldByAnotherProcessIsRefused() throws {
        try TemporaryDirectory.with { directory in
            let lockFile = DirectoryLock.lockPath(directory: directory.path, name: "extract")
            let marker = directory.file("marker")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
            // The holder creates the marker once it has the lock and waits for its stdin to close.
            process.arguments = [lockFile, "/bin/sh", "-c", "touch \(Shell.quote(marker)); read line"]
            let input = Pipe()
            process.standardInput = input
            try process.run()
            defer {
                try? input.fileHandleForWriting.close()
                process.waitUntilExit()
            }
            let deadline = Date().addingTimeInterval(20)
            while !FileManager.default.fileExists(atPath: marker) && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.01)
            }
            #expect(FileManager.default.fileExists(atPath: marker))
            #expect(try DirectoryLock.acquire(directory: directory.path, name: "extract") == nil)
            try input.fileHandleForWriting.close()
            process.waitUntilExit()
            let lock = try #require(try DirectoryLock.acquire(directory: directory.path, name: "extract"))
            try lock.release()
        }
    }

    /// The holder's pid and start time are recorded for the "another run is active" message, and cleared on
    /// release.
    @Test func holderIsDescribed() throws {
        try TemporaryDirectory.with { directory in
            let clock = ManualClock(start: Date(timeIntervalSince1970: 1_795_737_600))
            let lock = try #require(try DirectoryLock.acquire(directory: directory.path, clock: clock))
            let description = DirectoryLock.holderDescription(directory: directory.path, name: "run")
            #expect(description == "pid \(ProcessInfo.processInfo.processIdentifier) since 2026-11-27T00:00:00Z")
            try lock.release()
            #expect(DirectoryLock.holderDescription(directory: directory.path, name: "run") == nil)
            #expect(DirectoryLock.holderDescription(directory: directory.file("missing"), name: "run") == nil)
        }
    }

    /// A missing staging directory is a file-system error naming the lock path, not a "held" answer.
    @Test func missingDirectoryIsAnError() throws {
        try TemporaryDirectory.with { directory in
            let error = #expect(throws: SysproBQError.self) {
                try DirectoryLock.acquire(directory: directory.file("absent"))
            }
            #expect(error?.code == .fileSystem)
            #expect(error?.message.contains("run.lock") == true)
        }
    }
}
