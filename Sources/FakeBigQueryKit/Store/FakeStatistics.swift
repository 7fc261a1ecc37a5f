/// Counters the tests read back from `GET /_fake/stats`.
struct FakeStatistics: Sendable {
    var requestsByEndpoint: [String: Int] = [:]
    var faultsInjected: [String: Int] = [:]
    var tokensIssued = 0
    var tokenRejections = 0
    var unauthenticated = 0
    var dedupHits = 0
    var payloadTooLarge = 0
    var rowsStoredByTable: [String: Int] = [:]
    var jobsCreated = 0

    var json: JSONValue {
        func counts(_ dictionary: [String: Int]) -> JSONValue {
            .object(dictionary.sorted { $0.key < $1.key }.map { JSONMember($0.key, .number(String($0.value))) })
        }
        return .object([
            ("requests", counts(requestsByEndpoint)),
            ("faultsInjected", counts(faultsInjected)),
            ("faultsInjectedTotal", .number(String(faultsInjected.values.reduce(0, +)))),
            ("tokensIssued", .number(String(tokensIssued))),
            ("tokenRejections", .number(String(tokenRejections))),
            ("unauthenticated", .number(String(unauthenticated))),
            ("dedupHits", .number(String(dedupHits))),
            ("payloadTooLarge", .number(String(payloadTooLarge))),
            ("rowsStored", counts(rowsStoredByTable)),
            ("jobsCreated", .number(String(jobsCreated))),
        ])
    }
}
