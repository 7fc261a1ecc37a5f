/// Everything the fake BigQuery server is told at start-up (the CLI flags of `fake-bigquery`).
///
/// A value type; `Sendable`.
public struct FakeBigQueryConfiguration: Sendable {
    /// The one project the fake serves; other projects answer 404.
    public var project: String
    /// The location reported in jobs and datasets.
    public var location = "US"
    /// The service account's public key (PEM), used to verify token grants.
    public var publicKeyPEM: String
    /// The `iss` a grant must carry.
    public var clientEmail: String
    /// Lifetime of issued access tokens, in seconds.
    public var tokenLifetimeSeconds = 3600
    /// When set, tokens stop working after this many seconds although `expires_in` still says
    /// `tokenLifetimeSeconds`: the server-side revocation a client must survive by refreshing on 401.
    public var tokenEarlyExpirySeconds: Int?
    /// Delay added before every response, in milliseconds.
    public var latencyMilliseconds = 0
    /// Probability of a fault per data-plane call, in [0, 1].
    public var faultRate = 0.0
    /// Which faults to draw from.
    public var faultKinds = FaultKind.defaultKinds
    /// Seed of the fault generator: the same seed and call order inject the same faults.
    public var seed: UInt64 = 1
    /// How long a hang fault holds the connection, in seconds.
    public var hangSeconds = 30.0
    /// How long an insertId is remembered per table, in seconds.
    public var dedupWindowSeconds = 60.0
    /// Largest accepted API request body, in bytes (uploads are exempt); larger gets 413.
    public var maxRequestBytes = 10_000_000
    /// How many `jobs.get` polls a job reports as not DONE (PENDING on insert, then RUNNING).
    public var jobSteps = 2
    /// The local directory that `gs://bucket/path` maps to (`<gsRoot>/bucket/path`), if any.
    public var gsRoot: String?

    public init(project: String, publicKeyPEM: String, clientEmail: String) {
        self.project = project
        self.publicKeyPEM = publicKeyPEM
        self.clientEmail = clientEmail
    }
}
