internal import CCurl

/// The Swift owner of one `curl_slist` of request header lines (STYLE.md §12).
///
/// libcurl does not copy the list: it must outlive the transfer, and be uninstalled from the handle
/// (``CurlEasyHandle/clearHeaderList()``) before it is freed. Not thread-safe; the pointer never escapes
/// except through ``withUnsafePointer(_:)``.
final class CurlHeaderList {
    private var list: UnsafeMutablePointer<curl_slist>?

    /// Builds a list from header lines (`Name: value`). The corresponding C function is `curl_slist_append`,
    /// which copies each line.
    init(lines: [String]) throws {
        for line in lines {
            guard let appended = curl_slist_append(list, line) else {
                throw SysproBQError(
                    .internalError,
                    "libcurl could not allocate a request header list",
                    cause: .other("curl_slist_append returned NULL"),
                    disposition: .terminal
                )
            }
            list = appended
        }
    }

    deinit {
        curl_slist_free_all(list)
    }

    func withUnsafePointer<Result>(
        _ body: (UnsafeMutablePointer<curl_slist>?) throws -> Result
    ) rethrows -> Result {
        try body(list)
    }
}
