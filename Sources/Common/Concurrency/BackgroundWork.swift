import Dispatch
import Foundation

/// One piece of work run on a thread of its own, whose result the starting thread collects with ``wait()``:
/// verify's manifest check and segment hash beside the block checks, Load's views beside the rows.
///
/// Thread-safety: the worker writes `result` once, before signalling `done`; ``wait()`` reads it only after
/// waiting on `done`, which orders the two. The work itself is not checked for `Sendable`: the caller must not
/// touch what it writes until ``wait()`` returns (which is why the class is `@unchecked Sendable`).
///
/// The thread lets go of `body` before ``wait()`` returns, so a closure that did not escape its caller
/// (`withoutActuallyEscaping`) can run here.
public final class BackgroundWork<Value>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Value, any Error>?
    private var body: (() throws -> Value)?

    /// Starts `body` on a new thread named `name`.
    ///
    /// - Parameter sharingSystemCallFaults: in a debug build, `body`'s file calls meet the faults tests inject on
    ///   the starting thread, counted with that thread's own calls (``SystemCallFaults``); for a call the starter
    ///   would make itself, while it makes none (the seal's segment fsync). No effect in a release build.
    public init(_ name: String, sharingSystemCallFaults: Bool = false, _ body: @escaping () throws -> Value) {
        #if DEBUG
        if sharingSystemCallFaults {
            let starter = SystemCallFaults.callingThread
            self.body = { try SystemCallFaults.sharing(faultsOf: starter, body) }
        } else {
            self.body = body
        }
        #else
        self.body = body
        #endif
        let thread = Thread { [self] in
            var work = self.body.take()
            result = Result { try work!() }
            work = nil  // released before the signal: the caller's closure is no longer referenced when wait returns
            done.signal()
        }
        thread.name = name
        thread.start()
    }

    /// The work's value, or what it threw. Call once.
    public func wait() throws -> Value {
        done.wait()
        return try result!.get()
    }
}
