import Common
import Testing

@testable import Load

@Suite struct ErrorClassifierTests {
    /// Each status/reason pair maps to the action Google's error table prescribes.
    @Test(
        arguments: [
            (429, nil, BigQueryFailureAction.retry),
            (500, "internalError", .retry),
            (502, nil, .retry),
            (503, "backendError", .retry),
            (504, nil, .retry),
            (403, "rateLimitExceeded", .retry),
            (400, "backendError", .retry),
            (403, "quotaExceeded", .retryAfterLongWait),
            (401, nil, .refreshToken),
            (403, "accessDenied", .needsHuman),
            (403, nil, .needsHuman),
            (404, "notFound", .notFound),
            (409, "duplicate", .alreadyExists),
            (413, nil, .splitBatch),
            (400, "invalid", .terminal),
            (400, "invalidQuery", .terminal),
        ] as [(Int, String?, BigQueryFailureAction)]
    )
    func statusAndReasonMapToOneAction(status: Int, reason: String?, expected: BigQueryFailureAction) {
        #expect(BigQueryErrorClassifier.action(status: status, reason: reason) == expected)
    }

    /// The reason is read from the standard error body, and the error says what to do.
    @Test func errorBodyIsReadAndDescribed() {
        let body = Array(
            #"{"error":{"code":404,"message":"Not found: Table p:ds.x","errors":[{"reason":"notFound"}],"status":"NOT_FOUND"}}"#
                .utf8
        )
        let parsed = BigQueryErrorBody(status: 404, body: body)
        #expect(parsed.reason == "notFound")
        let error = BigQueryErrorClassifier.error(parsed, operation: "insertAll into ds.x")
        #expect(error.disposition == .terminal)
        #expect(error.message.contains("insertAll into ds.x"))
        #expect(error.remedy?.contains("run load again to create it") == true)
    }

    /// A body that is not JSON (a proxy's HTML page) still yields a classified error.
    @Test func htmlErrorBodyIsTolerated() {
        let parsed = BigQueryErrorBody(status: 502, body: Array("<html>Bad Gateway</html>".utf8))
        #expect(parsed.reason == nil)
        #expect(BigQueryErrorClassifier.error(parsed, operation: "op").disposition == .retryable)
    }
}
