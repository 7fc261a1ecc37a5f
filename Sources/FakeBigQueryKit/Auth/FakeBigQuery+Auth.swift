import Synchronization

extension FakeBigQuery {
    /// `POST /token`: the JWT-bearer grant. Answers 200 with a token or 400 with an OAuth error body.
    func issueToken(_ request: FakeRequest) -> FakeResponse {
        let form = FormEncoding.parse(String(decoding: request.body, as: UTF8.self))
        let host = request.header("Host") ?? "127.0.0.1"
        let (revoked, offset) = state.withLock { ($0.keyRevoked, $0.authClockOffset) }
        let decision =
            revoked
            ? .reject(error: "invalid_grant", description: "Invalid JWT Signature.")
            : authority.decide(form: form, now: now + offset, tokenURL: "http://\(host)/token")
        switch decision {
        case .reject(let error, let description):
            state.withLock { $0.statistics.tokenRejections += 1 }
            return .json(400, .object([("error", .string(error)), ("error_description", .string(description))]))
        case .issue:
            var generator = SystemRandomNumberGenerator()
            let token = "fake-" + (0..<4).map { _ in hex64(generator.next()) }.joined()
            let lifetime = configuration.tokenLifetimeSeconds
            let expiry = now + Double(configuration.tokenEarlyExpirySeconds ?? lifetime)
            state.withLock { state in
                state.tokens[token] = expiry
                state.statistics.tokensIssued += 1
            }
            return .json(
                200,
                .object([
                    ("access_token", .string(token)),
                    ("expires_in", .number(String(lifetime))),
                    ("token_type", .string("Bearer")),
                ]),
                headers: [("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate")]
            )
        }
    }

    /// Whether the request carries `Authorization: Bearer <token>` for a token this fake issued and
    /// that has not expired.
    func isAuthorized(_ request: FakeRequest) -> Bool {
        guard let header = request.header("Authorization"), header.hasPrefix("Bearer ") else { return false }
        let token = String(header.dropFirst("Bearer ".count))
        let now = self.now
        return state.withLock { state in (state.tokens[token] ?? 0) > now }
    }

    /// Makes every token issued so far expire now, so clients must refresh mid-run.
    func expireAllTokens() -> Int {
        let now = self.now
        return state.withLock { state in
            let live = state.tokens.values.filter { $0 > now }.count
            for token in state.tokens.keys { state.tokens[token] = now }
            return live
        }
    }

    private func hex64(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
