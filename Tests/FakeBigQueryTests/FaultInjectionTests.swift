import FakeBigQueryKit
import Foundation
import Testing

@Suite("fault injection")
struct FaultInjectionTests {
    /// At rate 1 every data-plane call gets the chosen fault; /token and /_fake are never faulted.
    @Test(arguments: [("503", 503, "backendError"), ("429", 429, "rateLimitExceeded"), ("quota", 403, "quotaExceeded")])
    func everyCallFaultsAtRateOne(kind: String, status: Int, reason: String) throws {
        let fake = try FakeHarness {
            $0.faultRate = 1
            $0.faultKinds = [FaultKindName.parse(kind)]
        }
        defer { fake.stop() }
        for _ in 0..<3 {
            let result = try fake.call("GET", "/datasets/ds")
            #expect(result.status == status)
            #expect(result.errorReason == reason)
        }
        let stats = try fake.stats()
        #expect(stats["faultsInjectedTotal"] as? Int == 3)
        #expect(stats["tokensIssued"] as? Int == 1)
    }

    /// A 429 carries Retry-After.
    @Test func rateLimitCarriesRetryAfter() throws {
        let fake = try FakeHarness {
            $0.faultRate = 1
            $0.faultKinds = [.tooManyRequests]
        }
        defer { fake.stop() }
        #expect(try fake.call("GET", "/datasets/ds").headers["retry-after"] == "1")
    }

    /// A reset fault closes the connection with no response.
    @Test func resetDropsTheConnection() throws {
        let fake = try FakeHarness {
            $0.faultRate = 1
            $0.faultKinds = [.reset]
        }
        defer { fake.stop() }
        let result = try fake.call("GET", "/datasets/ds")
        #expect(result.status == 0)
        #expect(result.curlExit == 56 || result.curlExit == 52)
    }

    /// 413 is only injected into insertAll; other calls pass.
    @Test func payloadTooLargeOnlyHitsInsertAll() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        try fake.makeTable(#"[{"name":"id","type":"STRING"}]"#)
        #expect(try Curl.send("POST", "\(fake.base)/_fake/faults?rate=1&kinds=413").status == 200)
        #expect(try fake.call("GET", "/datasets/ds/tables/t").status == 200)
        #expect(
            try fake.call("POST", "/datasets/ds/tables/t/insertAll", json: #"{"rows":[{"json":{}}]}"#).status == 413
        )
        #expect(try fake.storedRows().isEmpty)
    }

    /// The same seed injects the same faults in the same call order; a rate of 0.5 faults some calls, not all.
    @Test func faultsAreDeterministicPerSeed() throws {
        func statuses(seed: UInt64) throws -> [Int] {
            let fake = try FakeHarness {
                $0.faultRate = 0.5
                $0.faultKinds = [.backendError, .unavailable]
                $0.seed = seed
            }
            defer { fake.stop() }
            return try (0..<20).map { _ in try fake.call("GET", "/datasets/none").status }
        }
        let first = try statuses(seed: 42)
        #expect(try statuses(seed: 42) == first)
        #expect(first.contains(404))
        #expect(first.contains { $0 == 500 || $0 == 503 })
    }

    /// A commit-then-500 fault stores the rows but answers 500, so a retry with the same insertIds dedups.
    @Test func backendErrorAfterCommitKeepsTheRows() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        try fake.makeTable(#"[{"name":"id","type":"STRING"}]"#)
        #expect(try Curl.send("POST", "\(fake.base)/_fake/faults?rate=1&kinds=500-after-commit").status == 200)
        let body = #"{"rows":[{"insertId":"x1","json":{"id":"1"}}]}"#
        #expect(try fake.call("POST", "/datasets/ds/tables/t/insertAll", json: body).status == 500)
        #expect(try Curl.send("POST", "\(fake.base)/_fake/faults?rate=0").status == 200)
        #expect(try fake.call("POST", "/datasets/ds/tables/t/insertAll", json: body).status == 200)
        #expect(try fake.storedRows() == [#"{"id":"1"}"#])
    }

    /// A truncate fault stores the rows, then cuts the response body short (curl exit 18), so the client cannot
    /// tell whether its insert happened.
    @Test func truncateCommitsThenCutsTheResponse() throws {
        let fake = try FakeHarness()
        defer { fake.stop() }
        try fake.makeTable(#"[{"name":"id","type":"STRING"}]"#)
        #expect(try Curl.send("POST", "\(fake.base)/_fake/faults?rate=1&kinds=truncate").status == 200)
        let body = #"{"rows":[{"insertId":"x1","json":{"id":"1"}}]}"#
        let result = try fake.call("POST", "/datasets/ds/tables/t/insertAll", json: body)
        #expect(result.curlExit == 18)
        #expect(try fake.storedRows() == [#"{"id":"1"}"#])
    }
}

/// Maps the CLI spelling of a fault kind to the enum.
enum FaultKindName {
    static func parse(_ name: String) -> FaultKind {
        (try? FaultKind.parseList(name).get().first) ?? .backendError
    }
}
