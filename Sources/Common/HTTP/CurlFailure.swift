internal import CCurl

/// Turns a failed libcurl transfer into a ``SysproBQError``, in one place, so the real client and the
/// scripted test transport classify the same failure the same way (STYLE.md §9).
enum CurlFailure {
    /// The error for a transfer of `request` that ended with `code`.
    ///
    /// - Parameters:
    ///   - code: the `CURLcode` the transfer returned.
    ///   - detail: libcurl's error buffer for the transfer (more precise than `curl_easy_strerror`), or empty.
    ///   - request: the request; only its method and redacted URL reach the message.
    static func error(code: CURLcode, detail: String, request: HTTPRequest) -> SysproBQError {
        var text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        if let credentials = request.basicAuth {
            text = Redaction.scrub(text, secrets: [credentials.password])
        }
        let cause = SysproBQError.Cause.curl(code: Int32(code.rawValue), text: text)
        switch code {
        // The server's certificate did not verify against the trusted authorities: retrying cannot help,
        // and turning verification off is not an answer. Someone must supply the right CA.
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_CRL_BADFILE:
            return SysproBQError(
                .transport,
                "\(request) failed: the server's TLS certificate could not be verified",
                remedy: "Set the CA bundle setting (caBundlePath) to a PEM file holding the certificate authority "
                    + "that signed the server's certificate, or install that authority in the system trust store.",
                cause: cause,
                disposition: .needsHuman
            )
        // The URL itself is wrong: the same configuration fails the same way every time.
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return SysproBQError(
                .configuration,
                "\(request) failed: the URL is not a valid http or https URL",
                remedy: "Check the endpoint URL in the configuration.",
                cause: cause,
                disposition: .terminal
            )
        // Reading a file body failed: a local problem, not the network's.
        case CURLE_READ_ERROR:
            return SysproBQError(
                .fileSystem,
                "\(request) failed: the request body could not be read",
                remedy: "Check that the body file exists, is readable and is not being changed.",
                cause: cause,
                disposition: .needsHuman
            )
        case CURLE_TOO_MANY_REDIRECTS:
            return SysproBQError(
                .remote,
                "\(request) failed: too many redirects",
                remedy: "Check the endpoint URL: it should name the service itself, not a page that redirects.",
                cause: cause,
                disposition: .terminal
            )
        // Misuse of libcurl by syspro-bq: a bug, not a condition to retry.
        case CURLE_OUT_OF_MEMORY, CURLE_BAD_FUNCTION_ARGUMENT, CURLE_UNKNOWN_OPTION, CURLE_FAILED_INIT,
            CURLE_NOT_BUILT_IN, CURLE_RECURSIVE_API_CALL:
            return SysproBQError(
                .internalError,
                "\(request) failed inside libcurl",
                cause: cause,
                disposition: .terminal
            )
        // Everything else is the network or the server failing mid-exchange: connect refused, DNS, timeouts,
        // resets, truncated bodies, TLS handshake failures. A later attempt may succeed.
        default:
            return SysproBQError(
                .transport,
                "\(request) failed: \(summary(of: code))",
                remedy: remedy(for: code),
                cause: cause,
                disposition: .retryable
            )
        }
    }

    /// Words for the retryable failures, so a message reads without knowing libcurl's codes.
    private static func summary(of code: CURLcode) -> String {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return "the host name could not be resolved"
        case CURLE_COULDNT_CONNECT: return "could not connect"
        case CURLE_OPERATION_TIMEDOUT: return "timed out"
        case CURLE_PARTIAL_FILE: return "the response body was cut short"
        case CURLE_RECV_ERROR: return "the connection failed while receiving"
        case CURLE_SEND_ERROR: return "the connection failed while sending"
        case CURLE_GOT_NOTHING: return "the server closed the connection without answering"
        case CURLE_SSL_CONNECT_ERROR: return "the TLS handshake failed"
        case CURLE_WEIRD_SERVER_REPLY: return "the server's reply is not HTTP"
        default: return "transport error"
        }
    }

    private static func remedy(for code: CURLcode) -> String? {
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return "If the server is slow rather than down, raise the timeout settings."
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST:
            return "Check that the service is running and that the endpoint URL names the right host and port."
        case CURLE_SSL_CONNECT_ERROR:
            return "Check that the endpoint URL uses https only for a TLS port (and http for a plain one)."
        default:
            return nil
        }
    }
}
