import Foundation
import Logging
import Operator
import Testing

@Suite("Log handler, scrubbing and Secret")
struct LoggingTests {
    static func logger(_ format: Configuration.LogFormat, _ sink: LinesSink, _ scrubber: SecretScrubber) -> Logger {
        let writer = TerminalWriter(isTerminal: false) { sink.append($0) }
        let handler = OperatorLogHandler(format: format, level: .info, writer: writer, scrubber: scrubber) {
            Date(timeIntervalSince1970: 1_764_255_600.5)
        }
        return Logger(label: "test") { _ in handler }
    }

    /// Text lines carry the timestamp, level, message and sorted metadata.
    @Test func textLines() {
        let sink = LinesSink()
        let logger = Self.logger(.text, sink, SecretScrubber())
        logger.info("Segment sealed", metadata: ["segment.seq": "12", "stream": "ApInvoice/A", "note": "two words"])
        logger.debug("Not shown")
        #expect(
            sink.all == [
                "2025-11-27T15:00:00.500Z info Segment sealed note=\"two words\" segment.seq=12 stream=ApInvoice/A\n"
            ]
        )
    }

    /// JSON lines have ts, level, message and metadata, in that order, and parse as JSON.
    @Test func jsonLines() throws {
        let sink = LinesSink()
        let logger = Self.logger(.json, sink, SecretScrubber())
        logger.warning("Retrying", metadata: ["http.status": "503", "attempt": .stringConvertible(2)])
        let line = try #require(sink.all.first)
        #expect(
            line
                == "{\"ts\":\"2025-11-27T15:00:00.500Z\",\"level\":\"warning\",\"message\":\"Retrying\","
                + "\"metadata\":{\"attempt\":\"2\",\"http.status\":\"503\"}}\n"
        )
        #expect(try JSONSerialization.jsonObject(with: Data(line.utf8)) is [String: Any])
    }

    /// Registered secrets and URL credentials never reach a log line, in either format.
    @Test(arguments: [Configuration.LogFormat.text, .json])
    func secretsAreScrubbed(_ format: Configuration.LogFormat) {
        let sink = LinesSink()
        let scrubber = SecretScrubber()
        scrubber.register(Secret("Sentinel-Pa55w0rd"))
        let logger = Self.logger(format, sink, scrubber)
        logger.error(
            "Logon failed for Sentinel-Pa55w0rd",
            metadata: [
                "url": "https://erp/Rest/Logon?Operator=ADMIN&OperatorPassword=hunter22&CompanyId=A",
                "detail": .array(["x Sentinel-Pa55w0rd y"]),
            ]
        )
        let text = sink.all.joined()
        #expect(!text.contains("Sentinel-Pa55w0rd"))
        #expect(!text.contains("hunter22"))
        #expect(text.contains("OperatorPassword=REDACTED"))
        #expect(text.contains("Logon failed for REDACTED"))
    }

    /// A PEM private key's body lines are scrubbed even when only one line leaks.
    @Test func pemLinesAreScrubbed() {
        let scrubber = SecretScrubber()
        let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"
        scrubber.register(
            Secret("-----BEGIN PRIVATE KEY-----\n\(body)\nAAAAbbbbCCCCddddEEEE\n-----END PRIVATE KEY-----\n")
        )
        #expect(scrubber.scrub("oops: \(body)") == "oops: REDACTED")
    }

    /// A Secret prints as <redacted> through every path Swift offers.
    @Test func secretNeverPrints() {
        let secret = Secret("Sentinel-Pa55w0rd")
        var dumped = ""
        dump(secret, to: &dumped)
        let renderings = [
            "\(secret)", String(describing: secret), String(reflecting: secret), dumped, "\([secret])",
            "\(Optional(secret) as Any)",
        ]
        for rendering in renderings {
            #expect(!rendering.contains("Sentinel"), "\(rendering)")
            #expect(rendering.contains("redacted"))
        }
        #expect(secret.stringValue == "Sentinel-Pa55w0rd")
        #expect(secret.withBytes { Array($0) } == Array("Sentinel-Pa55w0rd".utf8))
    }
}
