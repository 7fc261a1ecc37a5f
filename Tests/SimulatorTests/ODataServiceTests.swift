import Foundation
import Testing

@testable import syspro_sim

@Suite struct ODataServiceTests {
    /// Requests without valid Basic credentials get 401 with the SYSPRO realm.
    @Test func missingCredentialsGet401() throws {
        let sim = try SimHarness()
        let response = try sim.odata("ApInvoice", auth: false)
        #expect(response.status == 401)
        #expect(response.header("WWW-Authenticate") == "Basic realm=\"SYSPRO\"")
    }

    /// Unknown tables and companies are 404 with the OData error shape.
    @Test(arguments: ["ApInvoices", "apinvoice", "Nope"])
    func unknownTableGets404(table: String) throws {
        let sim = try SimHarness()
        let response = try sim.odata(table)
        #expect(response.status == 404)
        #expect(response.text.hasPrefix("{\"error\":{\"code\":\"\",\"message\":"))
        #expect(try sim.odata("ApInvoice", company: "Z").status == 404)
    }

    /// A bad $filter is a 400 whose message names the problem.
    @Test func badFilterGets400() throws {
        let sim = try SimHarness()
        let response = try sim.odata("ApInvoice?$filter=" + enc("Bogus eq 1"))
        #expect(response.status == 400)
        #expect(response.text.contains("Bogus"))
    }

    /// Like ASP.NET, a raw `+` in the query is a space: an unencoded offset breaks the literal; `%2B` works.
    @Test func rawPlusInTheQueryIsASpace() throws {
        let sim = try SimHarness()
        #expect(try sim.odata("ApInvoice?$filter=InvoiceDate%20ge%202024-01-01T00:00:00+02:00").status == 400)
        #expect(try sim.odata("ApInvoice?$filter=InvoiceDate%20ge%202024-01-01T00:00:00%2B02:00").status == 200)
        #expect(try sim.odata("ApInvoice?$filter=InvoiceYear+eq+2024").status == 200)
    }

    /// An operator not enabled for OData gets 403.
    @Test func disabledOperatorGets403() throws {
        let sim = try SimHarness(SimHarness.configuration { $0.odataEnabled = false })
        #expect(try sim.odata("ApInvoice").status == 403)
    }

    /// $top above the cap returns at most the cap; without next-link mode there is no nextLink.
    @Test func topIsCappedAtThePageCap() throws {
        let sim = try SimHarness(SimHarness.configuration { $0.pageCap = 50 })
        let response = try sim.odata("GenTransaction?$top=10000")
        #expect(response.status == 200)
        #expect(FlatJSON.odataRows(response.text).count == 50)
        #expect(!response.text.contains("@odata.nextLink"))
    }

    /// In next-link mode, following nextLink verbatim visits every row exactly once.
    @Test func nextLinkModeCoversEveryRow() throws {
        let sim = try SimHarness(
            SimHarness.configuration {
                $0.pageCap = 300
                $0.nextLink = true
            }
        )
        var target = "/SYSPRO8Odata/SYSPROOData/A/GenJournalDetail?$select=GlYear,GlPeriod,Journal,EntryNumber"
        var keys: [String] = []
        var pages = 0
        while true {
            let response = try sim.request("GET", target)
            #expect(response.status == 200)
            keys += FlatJSON.odataRows(response.text).map { $0.map(\.1).joined(separator: "|") }
            pages += 1
            guard let r = response.text.range(of: "\"@odata.nextLink\":\"") else { break }
            let link = response.text[r.upperBound...].prefix { $0 != "\"" }
            target = String(link.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" })
        }
        let total = sim.simulator.database("A")!.snapshot().tables["GenJournalDetail"]!.rows.count
        #expect(pages > 1)
        #expect(keys.count == total)
        #expect(Set(keys).count == total)
    }

    /// Keyset paging on the composite key ($filter after the last key, $orderby key) sees every row once.
    @Test func keysetPagingCoversEveryRowOnce() throws {
        let sim = try SimHarness(SimHarness.configuration { $0.pageCap = 250 })
        var seen: [String] = []
        var last: [String]?
        while true {
            var query =
                "GenTransaction?$select=GlYear,GlPeriod,Journal,GlLine&$orderby=GlYear,GlPeriod,Journal,GlLine&$top=250"
            if let l = last {
                let f =
                    "GlYear gt \(l[0]) or (GlYear eq \(l[0]) and GlPeriod gt \(l[1])) or (GlYear eq \(l[0]) and GlPeriod eq \(l[1]) and Journal gt \(l[2]))"
                    + " or (GlYear eq \(l[0]) and GlPeriod eq \(l[1]) and Journal eq \(l[2]) and GlLine gt \(l[3]))"
                query += "&$filter=" + enc(f)
            }
            let rows = FlatJSON.odataRows(try sim.odata(query).text)
            seen += rows.map { $0.map(\.1).joined(separator: "|") }
            if rows.count < 250 { break }
            last = rows.last!.map(\.1)
        }
        let total = sim.simulator.database("A")!.snapshot().tables["GenTransaction"]!.rows.count
        #expect(seen.count == total)
        #expect(Set(seen).count == total)
    }

    /// Paging by TimeStamp (gt binary'…', $orderby=TimeStamp) sees every row once, in increasing order.
    @Test func timestampPagingCoversEveryRowOnce() throws {
        let sim = try SimHarness(SimHarness.configuration { $0.pageCap = 100 })
        var stamps: [String] = []
        var last = "AAAAAAAAAAA="
        while true {
            let rows = FlatJSON.odataRows(
                try sim.odata(
                    "ApInvoice?$select=TimeStamp&$orderby=TimeStamp&$filter=" + enc("TimeStamp gt binary'\(last)'")
                ).text
            )
            stamps += rows.map { $0[0].1 }
            if rows.count < 100 { break }
            last = String(rows.last![0].1.dropFirst().dropLast())
        }
        let decoded = stamps.map {
            Base64.decode(String($0.dropFirst().dropLast()))!.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
        #expect(decoded.count == sim.simulator.database("A")!.snapshot().tables["ApInvoice"]!.rows.count)
        #expect(zip(decoded, decoded.dropFirst()).allSatisfy { $0 < $1 })
    }

    /// Every served value equals ground truth: decimals as written, the date part, the rowversion.
    @Test(arguments: ["ApInvoice", "InvWarehouse", "PorMasterDetail", "ApSupplier"])
    func truthMatchesWhatODataServes(table: String) throws {
        let sim = try SimHarness()
        let served = FlatJSON.odataRows(try sim.odata(table + "?$top=5000").text)
        let truth = FlatJSON.objects(try sim.request("GET", "/_sim/truth/A/\(table)").text)
        #expect(served.count == truth.count)
        for (s, t) in zip(served, truth) {
            for ((name, odata), (truthName, truthValue)) in zip(s, t) {
                #expect(name == truthName)
                if name == "TimeStamp" {
                    let bytes = Base64.decode(String(odata.dropFirst().dropLast()))!
                    #expect("\"0x" + bytes.map { String(format: "%02X", $0) }.joined() + "\"" == truthValue)
                } else if odata.hasSuffix("+02:00\"") {
                    #expect(String(odata.prefix(11)) + "\"" == truthValue)
                } else if odata.first == "\"" || odata == "null" {
                    #expect(odata == truthValue)
                } else {
                    #expect("\"" + odata + "\"" == truthValue)
                }
            }
        }
    }

    /// Decimals carry exactly the column's scale; big, negative and 6-place values survive as text.
    @Test func decimalsAreWrittenWithTheColumnScale() throws {
        let sim = try SimHarness()
        let text = try sim.odata("InvMaster?$select=StockCode,Ebq,ConvFactAltUom,Decimals&$top=3").text
        #expect(text.contains("\"Ebq\":12345678.123457"))
        #expect(text.contains("\"ConvFactAltUom\":2.204620"))
        #expect(!text.contains("\"Decimals\":0."))
    }

    /// $metadata lists every table with keys and typed properties.
    @Test func metadataDescribesTheTables() throws {
        let sim = try SimHarness()
        let text = try sim.odata("$metadata").text
        for table in Catalog.all { #expect(text.contains("<EntitySet Name=\"\(table.name)\"")) }
        #expect(
            text.contains(
                "<Property Name=\"OrigInvValue\" Type=\"Edm.Decimal\" Nullable=\"false\" Precision=\"14\" Scale=\"2\"/>"
            )
        )
        #expect(text.contains("<Property Name=\"InvoiceDate\" Type=\"Edm.DateTimeOffset\"/>"))
        #expect(text.contains("<Property Name=\"TimeStamp\" Type=\"Edm.Binary\" MaxLength=\"8\">"))
    }

    /// With every request faulted as 503, the answer is 503 with Retry-After, and stats count it.
    @Test func injectedFaultsAreServedAndCounted() throws {
        let sim = try SimHarness(
            SimHarness.configuration {
                $0.faultRate = 1
                $0.faultKinds = [.unavailable]
            }
        )
        let response = try sim.odata("ApInvoice")
        #expect(response.status == 503)
        #expect(response.header("Retry-After") == "1")
        #expect(try sim.request("GET", "/_sim/stats").text.contains("\"faults\":{\"503\":1}"))
        _ = try sim.request("POST", "/_sim/faults?rate=0")
        #expect(try sim.odata("ApInvoice").status == 200)
    }

    /// A truncated body declares more bytes than it sends.
    @Test func truncateFaultSendsAShortBody() throws {
        let sim = try SimHarness(
            SimHarness.configuration {
                $0.faultRate = 1
                $0.faultKinds = [.truncate]
            }
        )
        let response = try sim.odata("ApInvoice?$top=10")
        #expect(Int(response.header("Content-Length")!)! > response.body.count)
    }
}
