import Testing

@testable import Load

@Suite struct QueryRequestTests {
    /// The body asks for standard SQL, named parameters and int64 timestamps.
    @Test func queryBodyIsGolden() {
        let request = QueryRequest(
            sql: "SELECT @n",
            parameters: [.init(name: "n", type: "NUMERIC", value: "1234.50")],
            timeoutMs: 5000
        )
        #expect(
            request.body(location: "US").text
                == #"{"query":"SELECT @n","useLegacySql":false,"location":"US","timeoutMs":5000,"parameterMode":"NAMED","#
                + #""queryParameters":[{"name":"n","parameterType":{"type":"NUMERIC"},"parameterValue":{"value":"1234.50"}}],"#
                + #""formatOptions":{"useInt64Timestamp":true},"useQueryCache":false}"#
        )
    }

    /// Pages give columns and text cells; an error in a 200 body without a schema is reported.
    @Test func pagesAndInBodyErrorsAreRead() {
        let page = QueryPage.parse(
            JSONDocument.lenient(
                Array(
                    #"{"jobComplete":true,"schema":{"fields":[{"name":"a"},{"name":"b"}]},"rows":[{"f":[{"v":"1.50"},{"v":null}]}],"pageToken":"t"}"#
                        .utf8
                )
            )
        )
        #expect(page.complete && page.columns == ["a", "b"] && page.pageToken == "t")
        #expect(page.rows == [["1.50", nil]])
        let failed = QueryPage.parse(
            JSONDocument.lenient(
                Array(
                    #"{"jobComplete":true,"errors":[{"reason":"invalidQuery","message":"Syntax error"}],"schema":{"fields":[]}}"#
                        .utf8
                )
            )
        )
        #expect(failed.error?.reason == "invalidQuery")
    }
}
