import Foundation
import Testing

@testable import syspro_sim

@Suite struct ENetServiceTests {
    static func logon(_ sim: SimHarness, password: String = "secret") throws -> String {
        try sim.request(
            "GET",
            "/SYSPROWCFService/Rest/Logon?Operator=ADMIN&OperatorPassword=\(password)&CompanyId=A&CompanyPassword=",
            auth: false
        ).text
    }

    static func comfnd(_ sim: SimHarness, token: String, _ xml: String) throws -> SimHarness.Response {
        try sim.request(
            "GET",
            "/SYSPROWCFService/Rest/Query/Query?UserId=\(enc(token))&BusinessObject=COMFND&XmlIn=\(enc(xml))",
            auth: false
        )
    }

    /// Logon returns 34 upper-case hex characters and two spaces; the headers are WCF's.
    @Test func logonReturnsAPaddedToken() throws {
        let sim = try SimHarness()
        let response = try sim.request(
            "GET",
            "/sysprowcfservice/rest/logon?Operator=ADMIN&OperatorPassword=secret&CompanyId=A",
            auth: false
        )
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/octet-stream")
        #expect(response.header("Server") == "Microsoft-HTTPAPI/2.0")
        #expect(response.text.count == 36)
        #expect(response.text.hasSuffix("  "))
        #expect(response.text.prefix(34).allSatisfy { "0123456789ABCDEF".contains($0) })
    }

    /// A wrong password is an HTTP 200 with an ERROR body.
    @Test func badPasswordIsAnErrorBody() throws {
        let sim = try SimHarness()
        #expect(try Self.logon(sim, password: "wrong") == "ERROR: Invalid operator password")
    }

    /// Logoff answers 0 for the token with or without its trailing spaces, and sessions are counted.
    @Test(arguments: [true, false])
    func logoffAcceptsBothTokenForms(keepSpaces: Bool) throws {
        let sim = try SimHarness()
        let token = try Self.logon(sim)
        #expect(sim.simulator.sessions.counts.open == 1)
        let sent = keepSpaces ? token : token.trimmingCharacters(in: .whitespaces)
        #expect(try sim.request("GET", "/SYSPROWCFService/Rest/Logoff?UserId=\(enc(sent))", auth: false).text == "0")
        #expect(sim.simulator.sessions.counts.open == 0)
    }

    /// A token whose trailing spaces arrive form-encoded as `+` is accepted (WCF decodes `+` as a space).
    @Test func tokenWithPlusEncodedSpacesIsAccepted() throws {
        let sim = try SimHarness()
        let token = try Self.logon(sim).replacingOccurrences(of: " ", with: "+")
        #expect(try sim.request("GET", "/SYSPROWCFService/Rest/Logoff?UserId=\(token)", auth: false).text == "0")
    }

    /// COMFND answers in Windows-1252 with the table-named root, padded numbers, 0000-00-00 for
    /// NULL dates and a 7-wide RowsReturned; characters outside cp1252 become '?'.
    @Test func comfndResponseHasSysproShape() throws {
        let sim = try SimHarness()
        let token = try Self.logon(sim)
        let xml = """
            <?xml version="1.0" encoding="Windows-1252"?><Query><TableName>ApSupplier</TableName><ReturnRows>300</ReturnRows>\
            <Columns><Column>Supplier</Column><Column>SupplierName</Column><Column>CurrentBalance</Column>\
            <Column>LastPurchDate</Column></Columns><OrderBy><Column>Supplier</Column></OrderBy></Query>
            """
        let response = try Self.comfnd(sim, token: token, xml)
        let body = response.body
        #expect(String(decoding: body.prefix(45), as: UTF8.self) == "<?xml version=\"1.0\" encoding=\"Windows-1252\"?>")
        let latin = String(body.map { Character(Unicode.Scalar($0)) })
        #expect(latin.contains("<ApSupplier Language='05'"))
        let count = String(sim.simulator.database("A")!.snapshot().tables["ApSupplier"]!.rows.count)
        #expect(
            latin.contains(
                "<RowsReturned>" + String(repeating: " ", count: 7 - count.count) + count + "</RowsReturned>"
            )
        )
        #expect(latin.contains("<LastPurchDate>0000-00-00</LastPurchDate>"))
        #expect(latin.contains("<Supplier>     0</Supplier>"))
        // € is byte 0x80 and Œ 0x8C in cp1252; CJK and emoji have no cp1252 byte.
        #expect(body.contains(0x80))
        #expect(body.contains(0x8C))
        #expect(latin.contains("Emoji ? Freight"))
        #expect(latin.contains("?????? "))
        #expect(
            latin.range(of: "<CurrentBalance> *-?[0-9]+\\.[0-9]{2}</CurrentBalance>", options: .regularExpression)
                != nil
        )
    }

    /// Where expressions filter: a GT keyset condition with ReturnRows pages through every supplier once.
    @Test func comfndKeysetPagingCoversEveryRow() throws {
        let sim = try SimHarness()
        let token = try Self.logon(sim)
        var seen: [String] = []
        var last: String?
        while true {
            var xml =
                "<Query><TableName>ApSupplier</TableName><ReturnRows>3</ReturnRows><Columns><Column>Supplier</Column></Columns>"
            if let last {
                xml += "<Where><Expression><OpenBracket>(</OpenBracket><AndOr>And</AndOr><Column>Supplier</Column>"
                xml +=
                    "<Condition>GT</Condition><Value>\(last)</Value><CloseBracket>)</CloseBracket></Expression></Where>"
            }
            xml += "<OrderBy><Column>Supplier</Column></OrderBy></Query>"
            let text = try Self.comfnd(sim, token: token, xml).text
            let keys = text.components(separatedBy: "<Supplier>").dropFirst().map { String($0.prefix { $0 != "<" }) }
            seen += keys
            if keys.count < 3 { break }
            last = keys.last
        }
        #expect(seen.count == 10)
        #expect(Set(seen).count == 10)
    }

    /// Edited-number mode writes commas in the plain element and the raw value in Unedited_X.
    @Test func editedNumbersHaveUneditedTwins() throws {
        let sim = try SimHarness(
            SimHarness.configuration {
                $0.enet.editedNumbers = true
                $0.enet.lowercaseElements = true
            }
        )
        let token = try Self.logon(sim)
        let text = try Self.comfnd(
            sim,
            token: token,
            "<Query><TableName>InvMaster</TableName><ReturnRows>1</ReturnRows><Columns><Column>Ebq</Column></Columns></Query>"
        ).text
        #expect(text.contains("<ebq>12,345,678.123457</ebq><unedited_ebq>     12345678.123457</unedited_ebq>"))
        #expect(text.contains("<rowsreturned>      1</rowsreturned>"))
    }

    /// After N calls the session expires with the configured ERROR text.
    @Test func sessionExpiresAfterMaxCalls() throws {
        let sim = try SimHarness(SimHarness.configuration { $0.sessionMaxCalls = 2 })
        let token = try Self.logon(sim)
        let xml = "<Query><TableName>InvMaster</TableName><ReturnRows>1</ReturnRows></Query>"
        #expect(try Self.comfnd(sim, token: token, xml).text.contains("<RowsReturned>"))
        #expect(try Self.comfnd(sim, token: token, xml).text.contains("<RowsReturned>"))
        let third = try Self.comfnd(sim, token: token, xml).text
        #expect(third.hasPrefix("ERROR:"))
        #expect(third.contains("Session"))
    }

    /// An unlicensed business object answers e.net exception 100000.
    @Test func unlicensedObjectIsReported() throws {
        let sim = try SimHarness(SimHarness.configuration { $0.enet.unlicensedObjects = ["COMFND"] })
        let token = try Self.logon(sim)
        #expect(try Self.comfnd(sim, token: token, "<Query/>").text == "ERROR: e.net exception 100000")
    }
}
