import Testing

@testable import Load

@Suite struct ReplaySelectionTests {
    /// The business date is read from the line without parsing it; date-times give their date part.
    @Test(
        arguments: [
            (#"{"_segment":1,"InvoiceDate":"2024-03-31","X":1}"#, "2024-03-31"),
            (#"{"_segment":1,"InvoiceDate":"2024-03-31T10:00:00"}"#, "2024-03-31"),
            (#"{"_segment":1,"InvoiceDate":null}"#, nil),
            (#"{"_segment":1,"Notes":"\"InvoiceDate\":\"2020-01-01\"","InvoiceDate":"2024-01-02"}"#, "2024-01-02"),
            (#"{"_segment":1,"InvoiceDate":"2024-3-31"}"#, nil),
            (#"{"_segment":1}"#, nil),
        ] as [(String, String?)]
    )
    func businessDateIsScannedFromTheLine(line: String, expected: String?) {
        #expect(BusinessDateScanner(column: "InvoiceDate").date(in: Array(line.utf8)) == expected)
    }
}
