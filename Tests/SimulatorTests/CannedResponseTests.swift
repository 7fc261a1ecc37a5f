import Foundation
import Testing

@testable import syspro_sim

@Suite struct CannedResponseTests {
    /// A canned OData response is served byte for byte for its table only, after the Basic-auth check.
    @Test func cannedODataBodyIsServedForItsTableOnly() throws {
        let sim = try SimHarness()
        let body = Array("{\"value\":[{\"Supplier\":\"   10\",,}]}".utf8)
        sim.simulator.canned.set(
            .init(status: 200, contentType: "application/json", body: body),
            service: .odata,
            target: "ApInvoice"
        )
        let canned = try sim.odata("ApInvoice?$top=5")
        #expect(canned.status == 200)
        #expect(canned.body == body)
        #expect(try sim.odata("ApSupplier?$top=1").text.contains("\"value\":[{"))
        #expect(try sim.odata("ApInvoice?$top=1", auth: false).status == 401)
    }

    /// `*` stands for every table and `$metadata`; an exact table wins over it; `clear=1` removes both.
    @Test func wildcardAndClear() throws {
        let sim = try SimHarness()
        sim.simulator.canned.set(
            .init(status: 403, contentType: "application/json", body: []),
            service: .odata,
            target: "*"
        )
        sim.simulator.canned.set(
            .init(status: 500, contentType: "application/json", body: []),
            service: .odata,
            target: "ApInvoice"
        )
        #expect(try sim.odata("$metadata").status == 403)
        #expect(try sim.odata("ApInvoice").status == 500)
        #expect(try sim.request("POST", "/_sim/canned?clear=1").status == 200)
        #expect(try sim.odata("ApInvoice?$top=1").status == 200)
    }

    /// A canned request without a service or with a bad status is refused.
    @Test func malformedCannedRequestIsRefused() throws {
        let sim = try SimHarness()
        #expect(try sim.request("POST", "/_sim/canned?target=ApInvoice").status == 400)
        #expect(try sim.request("POST", "/_sim/canned?service=odata&target=ApInvoice&status=42").status == 400)
    }
}
