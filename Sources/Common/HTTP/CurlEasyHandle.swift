internal import CCurl

/// libcurl's one-time global initialisation, run on first use of a handle.
///
/// `curl_global_init` is not thread-safe, so it runs exactly once through a lazy global (the runtime's
/// `swift_once`), before the first `curl_easy_init`. A global `var` flag is rejected by Swift 6.
private let curlGlobalInitResult: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

/// The Swift owner of one `CURL *` easy handle and its error buffer (STYLE.md §12).
///
/// The handle keeps its connection cache between transfers, which is what gives keep-alive. Options stick to
/// the handle between transfers, so every transfer starts with ``reset()`` (which keeps live connections,
/// the DNS cache and TLS sessions) and sets all of its options again.
///
/// Not thread-safe: a libcurl easy handle must be used by one thread at a time. The handle never escapes.
final class CurlEasyHandle {
    private let handle: UnsafeMutableRawPointer
    /// `CURLOPT_ERRORBUFFER` storage: libcurl writes a detailed message here when a transfer fails. It must
    /// stay allocated while it is installed on the handle, so it lives as long as the handle.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// Creates a handle. The corresponding C function is `curl_easy_init`.
    init() throws {
        guard curlGlobalInitResult == CURLE_OK else {
            throw SysproBQError(
                .internalError,
                "libcurl could not be initialised",
                cause: .curl(code: Int32(curlGlobalInitResult.rawValue), text: "curl_global_init failed"),
                disposition: .terminal
            )
        }
        guard let handle = curl_easy_init() else {
            throw SysproBQError(
                .internalError,
                "libcurl could not create a transfer handle",
                cause: .other("curl_easy_init returned NULL"),
                disposition: .terminal
            )
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Returns every option to its default and reinstalls the error buffer. Live connections stay open.
    /// The corresponding C function is `curl_easy_reset`.
    func reset() throws {
        curl_easy_reset(handle)
        errorBuffer[0] = 0
        try check(CCurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), CURLOPT_ERRORBUFFER)
    }

    func set(_ option: CURLoption, _ value: Int) throws {
        try check(CCurl_setopt_long(handle, option, value), option)
    }

    func set(_ option: CURLoption, _ value: Bool) throws {
        try check(CCurl_setopt_long(handle, option, value ? 1 : 0), option)
    }

    /// Sets a string option. libcurl copies strings set through `curl_easy_setopt` (except
    /// `CURLOPT_POSTFIELDS`, which this type never sets as a string).
    func set(_ option: CURLoption, _ value: String) throws {
        try check(CCurl_setopt_string(handle, option, value), option)
    }

    func set(_ option: CURLoption, offset value: Int64) throws {
        try check(CCurl_setopt_off(handle, option, curl_off_t(value)), option)
    }

    /// Sets a pointer option. The caller keeps the pointee alive until the option is cleared or reset.
    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws {
        try check(CCurl_setopt_pointer(handle, option, value), option)
    }

    /// Installs a header list. The caller keeps the list alive until ``clearHeaderList()``.
    func set(headerList: CurlHeaderList) throws {
        try headerList.withUnsafePointer { list in
            try check(CCurl_setopt_slist(handle, CURLOPT_HTTPHEADER, list), CURLOPT_HTTPHEADER)
        }
    }

    /// Uninstalls the header list, so the list can be freed without leaving a dangling pointer in the handle.
    func clearHeaderList() {
        _ = CCurl_setopt_slist(handle, CURLOPT_HTTPHEADER, nil)
    }

    func set(_ option: CURLoption, callback: CCurl_data_callback) throws {
        try check(CCurl_setopt_data_callback(handle, option, callback), option)
    }

    /// Runs the transfer with the options set. Blocks the calling thread until it ends.
    /// The corresponding C function is `curl_easy_perform`.
    func perform() -> CURLcode {
        curl_easy_perform(handle)
    }

    /// A `long` value from `curl_easy_getinfo`, or nil if libcurl cannot give it.
    func info(_ item: CURLINFO) -> Int? {
        var value = 0
        return CCurl_getinfo_long(handle, item, &value) == CURLE_OK ? value : nil
    }

    /// A `curl_off_t` value from `curl_easy_getinfo`, or nil if libcurl cannot give it.
    func info(offset item: CURLINFO) -> Int64? {
        var value: curl_off_t = 0
        return CCurl_getinfo_off(handle, item, &value) == CURLE_OK ? Int64(value) : nil
    }

    /// libcurl's message for the last failed transfer, or "" when it wrote none.
    var errorText: String {
        var text = Substring(String(cString: errorBuffer))
        while text.hasSuffix("\n") || text.hasSuffix("\r") || text.hasSuffix("\r\n") { text = text.dropLast() }
        return String(text)
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws {
        guard code != CURLE_OK else { return }
        throw SysproBQError(
            .internalError,
            "libcurl refused option \(option.rawValue)",
            remedy: "The installed libcurl may be too old; syspro-bq needs libcurl 7.85 or later.",
            cause: .curl(code: Int32(code.rawValue), text: String(cString: curl_easy_strerror(code))),
            disposition: .terminal
        )
    }
}
