import Common
import Operator
import Testing

@Suite("Exit codes")
struct ExitCodesTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var code: SysproBQError.Code
        var disposition: SysproBQError.Disposition
        var exit: Int32
        var testDescription: String { "\(code.rawValue)/\(disposition.rawValue) → \(exit)" }
    }

    static let cases: [Case] = [
        Case(code: .usage, disposition: .terminal, exit: 64),
        Case(code: .configuration, disposition: .terminal, exit: 78),
        Case(code: .locked, disposition: .retryable, exit: 73),
        Case(code: .interrupted, disposition: .retryable, exit: 130),
        Case(code: .internalError, disposition: .terminal, exit: 70),
        Case(code: .invalidData, disposition: .terminal, exit: 65),
        Case(code: .corruption, disposition: .needsHuman, exit: 69),
        Case(code: .credentials, disposition: .needsHuman, exit: 69),
        Case(code: .transport, disposition: .retryable, exit: 75),
        Case(code: .remote, disposition: .retryable, exit: 75),
        Case(code: .remote, disposition: .needsHuman, exit: 69),
        Case(code: .remote, disposition: .terminal, exit: 69),
        Case(code: .fileSystem, disposition: .needsHuman, exit: 69),
        Case(code: .fileSystem, disposition: .retryable, exit: 75),
        Case(code: .protocolViolation, disposition: .retryable, exit: 75),
    ]

    /// Each error code and disposition maps to its documented exit code.
    @Test(arguments: cases)
    func mapsErrorsToDocumentedCodes(_ testCase: Case) {
        let error = SysproBQError(testCase.code, "x", disposition: testCase.disposition)
        #expect(ExitCodes.exitCode(for: error) == testCase.exit)
    }

    /// Every error code has a mapping that is in the documented table, and the table's codes are distinct.
    @Test func everyCodeIsDocumentedAndDistinct() {
        let documented = Set(ExitCodes.table.map(\.code))
        #expect(documented.count == ExitCodes.table.count)
        for code in SysproBQError.Code.allCases {
            for disposition in [SysproBQError.Disposition.retryable, .terminal, .needsHuman] {
                #expect(
                    documented.contains(ExitCodes.exitCode(for: SysproBQError(code, "x", disposition: disposition)))
                )
            }
        }
    }
}
