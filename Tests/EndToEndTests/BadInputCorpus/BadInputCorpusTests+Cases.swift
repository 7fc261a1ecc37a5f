import Foundation

/// The corpus: one row per bad input. Extract cases read ApInvoice; load cases send the rows the template left
/// pending; `names` are what the error must mention, `remedy` a piece of what it must tell the operator to do.
extension BadInputCorpusTests {
    static let extractInvoices = ["extract", "--table", "ApInvoice"]
    static let cases: [BadInput] =
        sysproCases + enetCases + stagedRowCases + googleCases + credentialCases
        + evidenceCases + configurationCases + stagingDirectoryCases

    // MARK: SYSPRO OData

    static let sysproCases: [BadInput] = [
        BadInput(
            name: "odata-malformed-json",
            command: extractInvoices,
            exitCode: 75,
            names: ["ApInvoice", "{sim}"],
            remedy: "what to do:"
        ) { rig in
            try rig.canned(
                "odata",
                "ApInvoice",
                body: Array("{\"value\":[{\"Supplier\":\"   10\",,\"Invoice\"}]}".utf8)
            )
        },
        BadInput(
            name: "odata-truncated-json",
            command: extractInvoices,
            exitCode: 75,
            names: ["ApInvoice", "{sim}"],
            remedy: "what to do:"
        ) { rig in
            let page = CorpusBodies.page([try rig.freshApInvoiceRow()])
            try rig.canned("odata", "ApInvoice", body: Array(page.prefix(page.count - 40)))
        },
        BadInput(
            name: "odata-invalid-utf8",
            command: extractInvoices,
            exitCode: 75,
            names: ["ApInvoice", "{sim}"],
            remedy: "what to do:"
        ) { rig in
            let row = try rig.freshApInvoiceRow(replacing: ["Reference": "\"BAD\u{1}\""])
            var bytes = CorpusBodies.page([row])
            if let index = bytes.firstIndex(of: 0x01) { bytes[index] = 0xFF }
            try rig.canned("odata", "ApInvoice", body: bytes)
        },
        BadInput(
            name: "odata-iis-html-page-with-200",
            command: extractInvoices,
            exitCode: 69,
            names: ["ApInvoice", "{sim}", "HTML page"],
            remedy: "IIS application pool"
        ) { rig in
            try rig.canned("odata", "ApInvoice", contentType: "text/html", body: Array(CorpusBodies.iisErrorPage.utf8))
        },
        BadInput(
            name: "odata-404-service-root",
            command: extractInvoices,
            exitCode: 78,
            names: ["404", "{sim}/SYSPRO8Odata/NoODataHere"],
            remedy: "odata_url is not the OData service root"
        ) { rig in
            try rig.replaceConfigurationLine(
                startingWith: "odata_url",
                by: "odata_url = \"http://127.0.0.1:\(rig.simulatorPort)/SYSPRO8Odata/NoODataHere\""
            )
        },
        BadInput(
            name: "odata-403-not-enabled",
            command: extractInvoices,
            exitCode: 69,
            names: ["403", "{sim}", "not enabled for OData"],
            remedy: "enable the operator for OData access"
        ) { rig in
            try rig.canned(
                "odata",
                "*",
                status: 403,
                body: CorpusBodies.odataError("The operator 'E2EOP' is not enabled for OData access.")
            )
        },
        BadInput(
            name: "odata-401-wrong-password",
            command: extractInvoices,
            exitCode: 69,
            names: ["401", "{sim}", "E2EOP"],
            remedy: "check the operator name/password"
        ) { rig in try rig.storeSysproPassword("not-the-password-\(UUID().uuidString.prefix(6))") },
        BadInput(
            name: "odata-500-persistent",
            command: extractInvoices,
            exitCode: 75,
            names: ["500", "ApInvoice"],
            remedy: "what to do:"
        ) { rig in
            try rig.canned("odata", "ApInvoice", status: 500, body: CorpusBodies.odataError("An error has occurred."))
        },
        BadInput(
            name: "odata-400-query-rejected",
            command: extractInvoices,
            exitCode: 69,
            names: ["400", "ApInvoice", "The query specified in the URI is not valid"],
            remedy: "what to do:"
        ) { rig in
            try rig.canned(
                "odata",
                "ApInvoice",
                status: 400,
                body: CorpusBodies.odataError("The query specified in the URI is not valid. Unknown property.")
            )
        },
        BadInput(
            name: "unreachable-host",
            command: extractInvoices,
            exitCode: 75,
            names: ["127.0.0.1"],
            remedy: "what to do:"
        ) { rig in
            let port = try Rig.freePort()
            try rig.replaceConfigurationLine(
                startingWith: "odata_url",
                by: "odata_url = \"http://127.0.0.1:\(port)/SYSPRO8Odata/SYSPROOData\""
            )
        },
        BadInput(
            name: "unknown-table",
            command: ["extract", "--table", "ApNoSuchTable"],
            exitCode: 64,
            names: ["ApNoSuchTable"],
            remedy: "tables"
        ) { _ in },
        BadInput(
            name: "unknown-company",
            command: ["extract", "--company", "ZZ"],
            exitCode: 64,
            names: ["ZZ"],
            remedy: "companies"
        ) { _ in },
        BadInput(
            name: "odata-number-out-of-numeric-range",
            command: extractInvoices,
            exitCode: 65,
            names: ["OrigInvValue", "ApInvoice"],
            remedy: "what to do:"
        ) { rig in
            let row = try rig.freshApInvoiceRow(replacing: ["OrigInvValue": "123456789012345678901234567890123.45"])
            try rig.canned("odata", "ApInvoice", body: CorpusBodies.page([row]))
        },
        BadInput(
            name: "odata-renamed-column",
            command: extractInvoices,
            exitCode: 78,
            names: ["ApInvoice", "has no column Supplier"],
            remedy: "correct the names"
        ) { rig in
            let metadata = try rig.odataMetadata()
            try rig.canned(
                "odata",
                "$metadata",
                contentType: "application/xml",
                body: Array(metadata.replacingOccurrences(of: "\"Supplier\"", with: "\"SupplierCode\"").utf8)
            )
        },
    ]

    // MARK: SYSPRO e.net

    static let enetCases: [BadInput] = [
        BadInput(
            name: "enet-error-body",
            command: extractInvoices,
            exitCode: 69,
            names: ["COMFND", "Query failed - invalid column 'OrigInvValue'"],
            remedy: "check the table and its columns"
        ) { rig in
            try rig.useENet()
            try rig.canned(
                "enet",
                "ApInvoice",
                contentType: "application/octet-stream",
                body: Array("ERROR: Query failed - invalid column 'OrigInvValue'".utf8)
            )
        },
        BadInput(
            name: "enet-broken-xml",
            command: extractInvoices,
            exitCode: 75,
            names: ["ApInvoice", "XML"],
            remedy: "what to do:"
        ) { rig in
            try rig.useENet()
            try rig.canned(
                "enet",
                "ApInvoice",
                contentType: "application/octet-stream",
                body: Array("<?xml version=\"1.0\" encoding=\"Windows-1252\"?><ApInvoice><Row><Supplier>  10</Sup".utf8)
            )
        },
        BadInput(
            name: "enet-invalid-cp1252-byte",
            command: extractInvoices,
            exitCode: 69,
            names: ["COMFND", "byte 0x81 at offset 96", "Windows-1252"],
            remedy: "correct the record in SYSPRO"
        ) { rig in
            try rig.useENet()
            var body = Array(
                "<?xml version=\"1.0\" encoding=\"Windows-1252\"?><ApInvoice><Row><Supplier>  10</Supplier><Invoice>X?</Invoice></Row></ApInvoice>"
                    .utf8
            )
            if let index = body.lastIndex(of: UInt8(ascii: "?")) { body[index] = 0x81 }
            try rig.canned("enet", "ApInvoice", contentType: "application/octet-stream", body: body)
        },
        BadInput(
            name: "enet-wrong-password",
            command: extractInvoices,
            exitCode: 69,
            names: ["Invalid operator password", "{sim}", "E2EOP"],
            remedy: "check the operator name and password"
        ) { rig in
            try rig.useENet()
            try rig.storeSysproPassword("not-the-password-\(UUID().uuidString.prefix(6))")
        },
        BadInput(
            name: "enet-not-licensed",
            command: extractInvoices,
            exitCode: 69,
            names: ["e.net exception 100000", "COMFND"],
            remedy: "license the COMFND business object"
        ) { rig in
            try rig.useENet()
            try rig.canned(
                "enet",
                "ApInvoice",
                contentType: "application/octet-stream",
                body: Array("ERROR: e.net exception 100000".utf8)
            )
        },
    ]

    // MARK: Rows that reach the staging log but not BigQuery

    static let stagedRowCases: [BadInput] = [
        BadInput(
            name: "row-over-request-size-limit",
            command: ["load"],
            exitCode: 65,
            names: ["ApInvoice"],
            remedy: "quarantine",
            loadsOtherRows: true
        ) { rig in
            let big = String(repeating: "x", count: 11 << 20)
            let row = try rig.freshApInvoiceRow(replacing: ["Reference": "\"\(big)\""])
            try rig.canned("odata", "ApInvoice", body: CorpusBodies.page([row]))
            try rig.mustSucceed(extractInvoices)
        }
    ]

    // MARK: Google

    static let googleCases: [BadInput] = [
        BadInput(
            name: "revoked-service-account-key",
            command: ["load"],
            exitCode: 69,
            names: ["invalid_grant", "Invalid JWT Signature", "{fake}/token"],
            remedy: "create a new key in IAM"
        ) { rig in try rig.fakeAuth(revoked: true) },
        BadInput(
            name: "invalid-grant-clock-skew",
            command: ["load"],
            exitCode: 69,
            names: ["invalid_grant", "iat"],
            remedy: "clock"
        ) { rig in try rig.fakeAuth(clockOffset: -7200) },
        BadInput(
            name: "token-endpoint-unreachable",
            command: ["load"],
            exitCode: 75,
            names: ["127.0.0.1"],
            remedy: "what to do:"
        ) { rig in
            let port = try Rig.freePort()
            try rig.replaceConfigurationLine(
                startingWith: "token_uri",
                by: "token_uri = \"http://127.0.0.1:\(port)/token\""
            )
        },
        BadInput(
            name: "bigquery-500-persistent",
            command: ["load"],
            exitCode: 75,
            names: ["500"],
            remedy: "what to do:"
        ) { rig in try rig.fakeFaults(rate: 1, kinds: "500") },
        BadInput(
            name: "service-account-key-malformed-json",
            command: ["creds", "import-service-account", "{root}/bad-key.json"],
            exitCode: 64,
            names: ["bad-key.json", "not a JSON object"],
            remedy: "what to do:"
        ) { rig in _ = try rig.writeFile("bad-key.json", "{\"type\": \"service_account\", \"private_key\": ") },
        BadInput(
            name: "service-account-key-missing-field",
            command: ["creds", "import-service-account", "{root}/no-email.json"],
            exitCode: 64,
            names: ["no-email.json", "client_email"],
            remedy: "what to do:"
        ) { rig in
            _ = try rig.writeFile(
                "no-email.json",
                "{\"type\":\"service_account\",\"private_key\":\"-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----\\n\"}"
            )
        },
        BadInput(
            name: "service-account-key-bad-pem",
            command: ["creds", "import-service-account", "{root}/bad-pem.json"],
            exitCode: 64,
            names: ["bad-pem.json", "private_key"],
            remedy: "what to do:"
        ) { rig in
            _ = try rig.writeFile(
                "bad-pem.json",
                "{\"type\":\"service_account\",\"client_email\":\"x@y.iam.gserviceaccount.com\","
                    + "\"token_uri\":\"https://oauth2.googleapis.com/token\","
                    + "\"private_key\":\"-----BEGIN PRIVATE KEY-----\\nnot base64 at all\\n-----END PRIVATE KEY-----\\n\"}"
            )
        },
    ]

    // MARK: Local secrets

    static let credentialCases: [BadInput] = [
        BadInput(
            name: "wrong-master-key",
            command: extractInvoices,
            exitCode: 69,
            names: ["syspro-password", "wrong master key"],
            remedy: "what to do:",
            environment: ["SYSPRO_BQ_MASTER_KEY": String(repeating: "ab", count: 32)]
        ) { _ in },
        BadInput(
            name: "key-file-loose-permissions",
            command: ["load"],
            exitCode: 69,
            names: ["syspro-bq.key"],
            remedy: "chmod 600"
        ) { rig in
            try FileManager.default.setAttributes(
                [.posixPermissions: 0o644],
                ofItemAtPath: rig.run.appendingPathComponent("syspro-bq.key").path
            )
        },
        BadInput(
            name: "credential-store-tampered",
            command: extractInvoices,
            exitCode: 69,
            names: ["syspro-password"],
            remedy: "what to do:"
        ) { rig in
            // The syspro-password box: base64 of nonce (16 characters) ‖ ciphertext ‖ tag; change a ciphertext one.
            let store = rig.run.appendingPathComponent("credentials.enc.json")
            let text = try String(contentsOf: store, encoding: .utf8)
            guard let entry = text.range(of: "\"syspro-password\""),
                let box = text.range(
                    of: "\"box\" *: *\"",
                    options: .regularExpression,
                    range: entry.upperBound..<text.endIndex
                )
            else { throw HarnessError("no syspro-password box in \(store.path)") }
            let target = text.index(box.upperBound, offsetBy: 18)
            let flipped = text[target] == "A" ? "B" : "A"
            try Data(text.replacingCharacters(in: target...target, with: flipped).utf8).write(to: store)
        },
    ]

    // MARK: Sealed evidence

    static let evidenceCases: [BadInput] = [
        BadInput(
            name: "segment-truncated-verify",
            command: ["verify"],
            exitCode: 65,
            names: ["segment-"],
            remedy: "restore them from a backup",
            verifyStatus: 65
        ) { rig in try rig.truncate(try rig.newestSegment("ApInvoice"), by: 7) },
        BadInput(
            name: "segment-bit-flipped-verify",
            command: ["verify"],
            exitCode: 65,
            names: ["segment-"],
            remedy: "restore them from a backup",
            verifyStatus: 65
        ) { rig in try rig.flipByte(try rig.newestSegment("ApInvoice"), at: 40) },
        BadInput(
            name: "segment-bit-flipped-load",
            command: ["load"],
            exitCode: 69,
            names: ["segment-"],
            remedy: "what to do:",
            verifyStatus: 65
        ) { rig in try rig.flipByte(try rig.newestSegment("ApInvoice"), at: 40) },
        BadInput(
            name: "segment-truncated-load",
            command: ["load"],
            exitCode: 69,
            names: ["segment-"],
            remedy: "what to do:",
            verifyStatus: 65
        ) { rig in try rig.truncate(try rig.newestSegment("ApInvoice"), by: 7) },
        BadInput(
            name: "manifest-edited-verify",
            command: ["verify"],
            exitCode: 65,
            names: ["manifest-"],
            remedy: "restore them from a backup",
            verifyStatus: 65
        ) { rig in
            let manifest = try rig.sealedFiles("ApInvoice", "manifest-").first!
            try rig.edit(manifest, replacing: "\"createdAt\":\"2", by: "\"createdAt\":\"1")
        },
        BadInput(
            name: "manifest-missing-verify",
            command: ["verify"],
            exitCode: 65,
            names: ["manifest-"],
            remedy: "restore them from a backup",
            verifyStatus: 65
        ) { rig in
            let manifests = try rig.sealedFiles("ApInvoice", "manifest-")
            try FileManager.default.removeItem(at: manifests[manifests.count - 2])
        },
        BadInput(
            name: "manifests-reordered-verify",
            command: ["verify"],
            exitCode: 65,
            names: ["manifest-"],
            remedy: "restore them from a backup",
            verifyStatus: 65
        ) { rig in
            let manifests = try rig.sealedFiles("ApInvoice", "manifest-")
            let swap = rig.root.appendingPathComponent("swap")
            try FileManager.default.moveItem(at: manifests[0], to: swap)
            try FileManager.default.moveItem(at: manifests[1], to: manifests[0])
            try FileManager.default.moveItem(at: swap, to: manifests[1])
        },
        BadInput(
            name: "manifest-edited-load",
            command: ["load"],
            exitCode: 69,
            names: ["manifest-"],
            remedy: "what to do:",
            verifyStatus: 65
        ) { rig in
            let manifest = try rig.sealedFiles("ApInvoice", "manifest-").last!
            try rig.edit(manifest, replacing: "\"createdAt\":\"2", by: "\"createdAt\":\"1")
        },
        BadInput(
            name: "journal-corrupt-line-load",
            command: ["load"],
            exitCode: 69,
            names: ["journal-", "byte offset"],
            remedy: "what to do:",
            verifyStatus: 65
        ) { rig in
            let journal = try rig.sealedFiles("ApInvoice", "journal-").first!
            try rig.flipByte(journal, at: 20)
        },
    ]
}
