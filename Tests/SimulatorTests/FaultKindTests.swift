import Foundation
import Testing

@testable import syspro_sim

@Suite struct FaultKindTests {
    static func harness(_ kind: FaultKind) throws -> SimHarness {
        try SimHarness(
            SimHarness.configuration {
                $0.faultRate = 1
                $0.faultKinds = [kind]
                $0.hangSeconds = 3
            }
        )
    }

    /// html200 answers 200 with an IIS HTML page instead of JSON.
    @Test func html200IsAnHTMLPage() throws {
        let response = try Self.harness(.html200).odata("ApInvoice?$top=5")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/html")
        #expect(response.text.contains("HTTP Error 500.19"))
    }

    /// badjson answers 200 with a correctly framed body that is not valid JSON.
    @Test func badjsonIsCutInsideARow() throws {
        let response = try Self.harness(.badjson).odata("ApInvoice?$top=20")
        #expect(response.status == 200)
        #expect(Int(response.header("Content-Length")!) == response.body.count)
        #expect((try? JSONSerialization.jsonObject(with: Data(response.body))) == nil)
    }

    /// reset delivers part of the body and then an RST: fewer bytes than Content-Length.
    @Test func resetEndsTheBodyEarly() throws {
        let sim = try Self.harness(.reset)
        let response = try sim.odata("ApInvoice?$top=50")
        #expect(Int(response.header("Content-Length")!)! > response.body.count)
    }

    /// hang sends nothing before the client's timeout.
    @Test func hangSendsNothing() throws {
        let sim = try Self.harness(.hang)
        #expect(throws: (any Error).self) {
            try SimHarness.request(port: sim.port, "GET", "/SYSPRO8Odata/SYSPROOData/A/ApInvoice", timeout: 1)
        }
    }

    /// The session fault answers an e.net Query with the session error text and ends the session.
    @Test func sessionFaultExpiresTheSession() throws {
        let sim = try Self.harness(.session)
        let token = try ENetServiceTests.logon(sim)
        let text = try ENetServiceTests.comfnd(sim, token: token, "<Query><TableName>InvMaster</TableName></Query>")
            .text
        #expect(text == sim.simulator.configuration.sessionErrorText)
        #expect(sim.simulator.sessions.counts.open == 0)
    }

    /// Fault draws are deterministic for a seed and request counter.
    @Test func faultDrawsAreDeterministic() {
        let a = FaultInjector(seed: 5, rate: 0.3, kinds: FaultKind.allCases)
        let b = FaultInjector(seed: 5, rate: 0.3, kinds: FaultKind.allCases)
        let drawsA = (0..<200).map { _ in a.draw(enet: true) }
        let drawsB = (0..<200).map { _ in b.draw(enet: true) }
        #expect(drawsA == drawsB)
        let faulted = drawsA.compactMap { $0 }.count
        #expect(faulted > 30 && faulted < 90)
    }
}
