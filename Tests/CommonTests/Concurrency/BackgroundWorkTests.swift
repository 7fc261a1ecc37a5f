import Testing

@testable import Common

#if canImport(Glibc)
import Glibc
#endif

@Suite struct BackgroundWorkTests {
    /// The work's value comes back from `wait`, and what it throws is rethrown there.
    @Test func returnsTheValueOrTheError() throws {
        struct Failed: Error {}
        #expect(try BackgroundWork("test-value") { 6 * 7 }.wait() == 42)
        #expect(throws: Failed.self) { try BackgroundWork("test-error") { () throws -> Int in throw Failed() }.wait() }
    }

    /// A closure that must not escape can run as the work: the thread lets go of it before `wait` returns, which
    /// `withoutActuallyEscaping` checks on return (a debug build traps when the closure is still referenced).
    /// Many rounds, each with a closure that mutates the caller's state on the work's thread.
    @Test func runsANonEscapingClosure() throws {
        var total = 0
        func add(_ amount: Int, through body: () throws -> Int) throws {
            total += try withoutActuallyEscaping(body) { body in
                try BackgroundWork("test-non-escaping") { try body() }.wait()
            }
        }
        for round in 1...200 {
            var calls = 0
            try add(round) {
                calls += 1
                return round
            }
            #expect(calls == 1)
        }
        #expect(total == (1...200).reduce(0, +))
    }

    /// The work's closure, and what it captured, are released by the time `wait` returns, in every build (the
    /// check `withoutActuallyEscaping` makes runs in debug builds only).
    @Test func releasesTheClosureBeforeWaitReturns() throws {
        final class Captured {}
        // Runs one work whose closure holds the only other reference to a fresh object; returns that object weakly.
        func runOnce() throws -> () -> Captured? {
            let captured = Captured()
            weak var released = captured
            let work = BackgroundWork("test-release") { withExtendedLifetime(captured) { 1 } }
            #expect(try work.wait() == 1)
            return { released }
        }
        for _ in 1...50 {
            let released = try runOnce()
            #expect(released() == nil)
        }
    }

    /// Work started with `sharingSystemCallFaults` meets the faults injected on the starting thread, counted with
    /// that thread's calls; other work does not (faults belong to the thread that injected them).
    @Test func sharesTheStartersFaultsOnlyWhenAsked() throws {
        defer { SystemCallFaults.reset() }
        try TemporaryDirectory.with { directory in
            let writer = try FileHandleWriter.create(path: directory.file("synced.bin"))
            defer { try? writer.close() }
            try writer.write(Array("row".utf8))
            SystemCallFaults.inject(call: "fsync", errno: EIO, after: 1)
            try BackgroundWork("test-own-faults") { try writer.sync() }.wait()  // not this thread's call
            try BackgroundWork("test-shared-faults", sharingSystemCallFaults: true) { try writer.sync() }.wait()
            let error = #expect(throws: SysproBQError.self) {
                try BackgroundWork("test-shared-faults", sharingSystemCallFaults: true) { try writer.sync() }.wait()
            }
            #expect(error?.code == .fileSystem)
            try writer.sync()  // the one fault is spent
        }
    }
}
