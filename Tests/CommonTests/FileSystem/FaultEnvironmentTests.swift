import Common
import Testing

#if DEBUG
@Suite("DEBUG_SYSPRO_BQ_SYSCALL_FAULTS parsing")
struct FaultEnvironmentTests {
    /// Without the variable nothing is injected.
    @Test func absentVariableInjectsNothing() throws {
        #expect(try SystemCallFaults.injectFromEnvironment([:]).isEmpty)
        #expect(try SystemCallFaults.injectFromEnvironment([SystemCallFaults.environmentVariable: ""]).isEmpty)
    }

    /// A malformed entry or an unknown errno name is refused, naming the entry, before anything is injected.
    /// (Well-formed values are not tried here: they would fail calls on every thread of this test process; the
    /// bad-input corpus runs them in syspro-bq's own process.)
    @Test(arguments: ["write", "write=", "=ENOSPC", "write=ENOSPACE", "write=ENOSPC,fsync=EBADF"])
    func malformedEntryIsRefused(_ text: String) {
        #expect(throws: SystemCallFaults.FaultSpecificationError.self) {
            try SystemCallFaults.injectFromEnvironment([SystemCallFaults.environmentVariable: text])
        }
    }
}
#endif
