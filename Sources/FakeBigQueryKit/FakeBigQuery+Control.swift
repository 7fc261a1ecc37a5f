import Synchronization

extension FakeBigQuery {
    /// The test-only endpoints under `/_fake/`: never part of BigQuery, never faulted or delayed.
    ///
    /// - `GET /_fake/rows/{dataset}/{table}`: the stored rows as NDJSON, in insertion order, values as received.
    /// - `GET /_fake/stats`: counters (requests by endpoint, faults, tokens, dedup hits, 413s, rows per table).
    /// - `POST /_fake/faults?rate=R&kinds=K,…[&seed=S]`: changes fault injection at run time.
    /// - `POST /_fake/expire-tokens`: every token issued so far expires now.
    /// - `POST /_fake/auth?deny=p1,p2`: `tables.testIamPermissions` answers without these permissions (empty: all).
    /// - `POST /_fake/auth?revoked=true|false&clock_offset=S`: refuse every grant as for a deleted key, or judge
    ///   grants' `iat`/`exp` by a clock S seconds off (the clock-skew `invalid_grant`).
    func handleControl(_ request: FakeRequest, segments: [String]) -> FakeResponse {
        switch (request.method, segments.first, segments.count) {
        case ("GET", "rows", 3):
            switch lookUpTable(TableKey(datasetId: segments[1], tableId: segments[2])) {
            case .failure(let error): return error.response
            case .success(let table):
                let text = table.rows.map { $0 + "\n" }.joined()
                return .text(200, text, contentType: "application/x-ndjson")
            }
        case ("GET", "stats", 1):
            return .json(200, state.withLock { $0.statistics.json })
        case ("POST", "faults", 1):
            return setFaults(request)
        case ("POST", "expire-tokens", 1):
            let expired = expireAllTokens()
            return .json(200, .object([("expired", .number(String(expired)))]))
        case ("POST", "auth", 1):
            return setAuth(request)
        default:
            return GoogleError.notFound("URL \(request.method) \(request.path)").response
        }
    }

    private func setAuth(_ request: FakeRequest) -> FakeResponse {
        var revoked: Bool?
        if let text = request.queryValue("revoked") {
            guard text == "true" || text == "false" else {
                return GoogleError.invalid("revoked must be true or false, not \(text)").response
            }
            revoked = text == "true"
        }
        var offset: Double?
        if let text = request.queryValue("clock_offset") {
            guard let value = Double(text), value.isFinite else {
                return GoogleError.invalid("clock_offset must be a number of seconds, not \(text)").response
            }
            offset = value
        }
        let deny = request.queryValue("deny").map { Set($0.split(separator: ",").map(String.init)) }
        let now = state.withLock { state -> (Bool, Double) in
            if let deny { state.deniedPermissions = deny }
            if let revoked { state.keyRevoked = revoked }
            if let offset { state.authClockOffset = offset }
            return (state.keyRevoked, state.authClockOffset)
        }
        return .json(200, .object([("revoked", .bool(now.0)), ("clock_offset", .number(String(now.1)))]))
    }

    private func setFaults(_ request: FakeRequest) -> FakeResponse {
        var rate: Double?
        if let text = request.queryValue("rate") {
            guard let value = Double(text), (0...1).contains(value) else {
                return GoogleError.invalid("rate must be a number between 0 and 1, not \(text)").response
            }
            rate = value
        }
        var kinds: [FaultKind]?
        if let text = request.queryValue("kinds") {
            switch FaultKind.parseList(text) {
            case .failure(let error): return GoogleError.invalid(error.description).response
            case .success(let parsed): kinds = parsed
            }
        }
        var seed: UInt64?
        if let text = request.queryValue("seed") {
            guard let value = UInt64(text) else {
                return GoogleError.invalid("seed must be an unsigned integer").response
            }
            seed = value
        }
        let current = state.withLock { state -> FaultInjector in
            let newRate = rate ?? state.faults.rate
            let newKinds = kinds ?? state.faults.kinds
            if let seed {
                state.faults = FaultInjector(rate: newRate, kinds: newKinds, seed: seed)
            } else {
                state.faults.rate = newRate
                state.faults.kinds = newKinds
            }
            return state.faults
        }
        return .json(
            200,
            .object([
                ("rate", .number(String(current.rate))),
                ("kinds", .array(current.kinds.map { .string($0.rawValue) })),
            ])
        )
    }
}
