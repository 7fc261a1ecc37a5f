import Common
import Foundation

/// Corpus cases for the configuration file (one per kind of mistake) and the staging directory.
extension BadInputCorpusTests {
    static let configurationCases: [BadInput] = [
        BadInput(
            name: "config-unknown-column",
            command: extractInvoices,
            exitCode: 78,
            names: ["InvDate", "ApInvoice"],
            remedy: "what to do:"
        ) { rig in
            try Data("\n[tables.ApInvoice]\nbusiness_date_column = \"InvDate\"\n".utf8).append(to: rig.configPath)
        },
        BadInput(
            name: "config-unknown-key",
            command: extractInvoices,
            exitCode: 78,
            names: ["{config}:", "unknown key 'pagesize' in [syspro]"],
            remedy: "page_size"
        ) { rig in try rig.appendToSection("syspro", "pagesize = 500") },
        BadInput(
            name: "config-wrong-type",
            command: extractInvoices,
            exitCode: 78,
            names: ["{config}:7:", "timeout_seconds", "\"ten\""],
            remedy: "must be an integer from 1 to 3600 seconds"
        ) { rig in try rig.replaceConfigurationLine(startingWith: "timeout_seconds", by: "timeout_seconds = \"ten\"") },
        BadInput(
            name: "config-bad-enum-value",
            command: extractInvoices,
            exitCode: 78,
            names: ["{config}:", "source", "soap"],
            remedy: "odata"
        ) { rig in try rig.appendToSection("syspro", "source = \"soap\"") },
        BadInput(
            name: "config-missing-required",
            command: extractInvoices,
            exitCode: 78,
            names: ["odata_url"],
            remedy: "what to do:"
        ) { rig in try rig.replaceConfigurationLine(startingWith: "odata_url", by: nil) },
        BadInput(
            name: "config-bad-url",
            command: extractInvoices,
            exitCode: 78,
            names: ["{config}:3:", "odata_url", "ftp://erp/SYSPRO8Odata"],
            remedy: "must be an absolute http:// or https:// URL"
        ) { rig in
            try rig.replaceConfigurationLine(startingWith: "odata_url", by: "odata_url = \"ftp://erp/SYSPRO8Odata\"")
        },
        BadInput(
            name: "config-duplicate-key",
            command: extractInvoices,
            exitCode: 78,
            names: ["{config}:", "operator"],
            remedy: "what to do:"
        ) { rig in try rig.appendToSection("syspro", "operator = \"OTHER\"") },
        BadInput(
            name: "config-unterminated-string",
            command: extractInvoices,
            exitCode: 78,
            names: ["{config}:", "unterminated"],
            remedy: "what to do:"
        ) { rig in try rig.appendToSection("bigquery", "location = \"EU") },
        BadInput(
            name: "config-unknown-section",
            command: extractInvoices,
            exitCode: 78,
            names: ["{config}:", "[sysprox]"],
            remedy: "syspro"
        ) { rig in try Data(("\n[sysprox]\nx = 1\n").utf8).append(to: rig.configPath) },
        BadInput(
            name: "config-file-missing",
            command: extractInvoices + ["--config", "{root}/no-such.toml"],
            exitCode: 78,
            names: ["{root}/no-such.toml"],
            remedy: "init",
            usesConfiguration: false
        ) { _ in },
        BadInput(
            name: "config-bad-environment-override",
            command: extractInvoices,
            exitCode: 78,
            names: ["SYSPRO_BQ_SYSPRO_PAGE_SIZE", "'lots'"],
            remedy: "must be an integer from 1 to 5000",
            environment: ["SYSPRO_BQ_SYSPRO_PAGE_SIZE": "lots"]
        ) { _ in },
    ]

    static let stagingDirectoryCases: [BadInput] = [
        BadInput(
            name: "verify-staging-directory-missing",
            command: ["verify"],
            exitCode: 69,
            names: ["{staging}", "does not exist"],
            remedy: "check that its disk is mounted",
            verifyStatus: 69
        ) { rig in
            try FileManager.default.moveItem(at: rig.staging, to: rig.root.appendingPathComponent("unmounted"))
        },
        BadInput(
            name: "staging-read-only",
            command: extractInvoices,
            exitCode: 69,
            names: ["{staging}", "read-only"],
            remedy: "what to do:",
            environment: [SystemCallFaults.environmentVariable: "open-for-writing=EROFS,mkdir=EROFS,rename=EROFS"]
        ) { _ in },
        BadInput(
            name: "staging-full",
            command: extractInvoices,
            exitCode: 69,
            names: ["{staging}", "No space left on device"],
            remedy: "what to do:",
            environment: [SystemCallFaults.environmentVariable: "write=ENOSPC,pwrite=ENOSPC"]
        ) { rig in try rig.canned("odata", "ApInvoice", body: CorpusBodies.page([try rig.freshApInvoiceRow()])) },
        BadInput(
            name: "staging-directory-missing",
            command: ["load"],
            exitCode: 69,
            names: ["{staging}", "does not exist"],
            remedy: "check that its disk is mounted",
            verifyStatus: 69
        ) { rig in
            try FileManager.default.moveItem(at: rig.staging, to: rig.root.appendingPathComponent("unmounted"))
        },
    ]
}

extension Data {
    /// Appends these bytes to the end of `url`.
    fileprivate func append(to url: URL) throws {
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: self)
    }
}
