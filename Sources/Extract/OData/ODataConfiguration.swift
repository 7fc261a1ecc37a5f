public import Common
public import Foundation

/// Where and how to reach a SYSPRO OData service (syspro.md §1).
///
/// Nothing about the URL shape is confirmed (§1.2 [?]), so the service root and the path templates are
/// settings: `{root}`, `{company}` and `{table}` are replaced, the last two percent-encoded as path segments.
///
/// The password is a secret: it is only ever put into the `Authorization` header by the transport, never into
/// a URL, a log line or an error. This type is a value type and is `Sendable`.
public struct ODataConfiguration: Sendable, Hashable {
    /// What to do with catalog columns the service's `$metadata` lacks (SYSPRO versions differ in columns).
    public enum MissingColumnPolicy: String, Sendable, Hashable, Codable {
        /// Read without them and note it in the resolved entry; key, business-date and partition columns must
        /// still exist.
        case drop
        /// Stop with a configuration error naming them.
        case fail
    }

    /// How pages after the first are requested when the server sends no `@odata.nextLink`.
    public enum PagingMode: String, Sendable, Hashable, Codable {
        /// Continue after the last row with a `$filter` on (cursor, key…) — consistent and index-friendly.
        case keyset
        /// `$skip` by rows received: the last resort, for a service that rejects the keyset filter.
        case skip
    }

    /// Whether the `TimeStamp` rowversion may be used, when `$metadata` cannot say.
    public enum RowVersionAvailability: String, Sendable, Hashable, Codable {
        /// Use `$metadata` (an `Edm.Binary` `TimeStamp`) and a one-row probe of `TimeStamp gt binary'…'`.
        case auto
        /// Use it without asking.
        case available
        /// Never use it.
        case unavailable
    }

    /// The service root, e.g. `https://erp.example.com/SYSPRO8Odata/SYSPROOData` (no trailing slash needed).
    public var serviceRoot: String
    /// The URL of an entity set; default `{root}/{company}/{table}` (AE's shape, §1.2).
    public var entityPathTemplate: String
    /// The URL of the CSDL document; default `{root}/{company}/$metadata`.
    public var metadataPathTemplate: String
    /// The SYSPRO operator enabled for OData (Basic authentication, §1.1).
    public var operatorName: String
    /// The operator's password. Secret.
    public var password: String
    /// Rows per request (`$top`), at most ``maximumPageSize``.
    public var pageSize: Int
    /// Seconds to establish a connection.
    public var connectTimeout: Double
    /// Seconds for a whole request, body included (large pages take a while on a busy server, §4).
    public var requestTimeout: Double
    /// A PEM CA bundle for servers with a private or self-signed certificate; passed to the HTTP client.
    public var caBundlePath: String?
    public var pagingMode: PagingMode
    public var rowVersionAvailability: RowVersionAvailability
    public var missingColumns: MissingColumnPolicy
    /// Read `$metadata` to learn property types and whether `TimeStamp` is exposed. When off, or when the
    /// service has no `$metadata`, ``dateLiteralKind`` and ``rowVersionAvailability`` decide.
    public var useMetadata: Bool
    /// The literal form for date filters when `$metadata` does not say.
    public var dateLiteralKind: ODataDateLiteralKind
    /// The UTC offset written in `Edm.DateTimeOffset` filter literals (`Z`, `+02:00`): the zone the service
    /// serialises SYSPRO's local dates in, so that `InvoiceDate ge 2024-01-01T00:00:00+02:00` means the local
    /// business date. A look-back window also covers a wrong offset.
    public var dateLiteralOffset: String
    /// The companies' time zone. When set, each filter date's offset is the zone's offset at that date's local
    /// midnight (daylight saving changes it through the year), and ``dateLiteralOffset`` is not used.
    public var timeZone: TimeZone?
    /// Ask for decimals as JSON strings (`IEEE754Compatible=true`); both forms are accepted either way.
    public var ieee754Compatible: Bool
    /// Concurrent requests to one server, across every source in the process (syspro.md §4: ≤ 2).
    public var maximumConcurrentRequests: Int
    public var retryPolicy: RetryPolicy

    /// SYSPRO caps OData at 5000 rows per request ([S] AE, syspro.md §1.3).
    public static let maximumPageSize = 5000

    public init(
        serviceRoot: String,
        operatorName: String,
        password: String,
        entityPathTemplate: String = "{root}/{company}/{table}",
        metadataPathTemplate: String = "{root}/{company}/$metadata",
        pageSize: Int = ODataConfiguration.maximumPageSize,
        connectTimeout: Double = 15,
        requestTimeout: Double = 120,
        caBundlePath: String? = nil,
        pagingMode: PagingMode = .keyset,
        rowVersionAvailability: RowVersionAvailability = .auto,
        missingColumns: MissingColumnPolicy = .drop,
        useMetadata: Bool = true,
        dateLiteralKind: ODataDateLiteralKind = .dateTimeOffset,
        dateLiteralOffset: String = "Z",
        timeZone: TimeZone? = nil,
        ieee754Compatible: Bool = false,
        maximumConcurrentRequests: Int = 2,
        retryPolicy: RetryPolicy = RetryPolicy()
    ) {
        self.serviceRoot = serviceRoot
        self.operatorName = operatorName
        self.password = password
        self.entityPathTemplate = entityPathTemplate
        self.metadataPathTemplate = metadataPathTemplate
        self.pageSize = pageSize
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.caBundlePath = caBundlePath
        self.pagingMode = pagingMode
        self.rowVersionAvailability = rowVersionAvailability
        self.missingColumns = missingColumns
        self.useMetadata = useMetadata
        self.dateLiteralKind = dateLiteralKind
        self.dateLiteralOffset = dateLiteralOffset
        self.timeZone = timeZone
        self.ieee754Compatible = ieee754Compatible
        self.maximumConcurrentRequests = maximumConcurrentRequests
        self.retryPolicy = retryPolicy
    }

    /// Checks the settings.
    ///
    /// - Throws: `SysproBQError` `.configuration` (terminal) naming the setting.
    public func validate() throws {
        func fail(_ message: String) -> SysproBQError {
            SysproBQError(.configuration, "OData configuration: \(message)", disposition: .terminal)
        }
        let root = serviceRoot.lowercased()
        guard root.hasPrefix("http://") || root.hasPrefix("https://") else {
            throw fail("serviceRoot must be an http:// or https:// URL, e.g. https://server/SYSPRO8Odata/SYSPROOData")
        }
        guard !serviceRoot.contains("?") else { throw fail("serviceRoot must not contain a query string") }
        guard entityPathTemplate.contains("{table}") else { throw fail("entityPathTemplate must contain {table}") }
        guard (1...Self.maximumPageSize).contains(pageSize) else {
            throw fail("pageSize must be between 1 and \(Self.maximumPageSize) (SYSPRO's per-request cap)")
        }
        guard connectTimeout > 0, requestTimeout > 0 else { throw fail("timeouts must be positive") }
        guard !operatorName.isEmpty else { throw fail("the operator name is empty") }
        guard maximumConcurrentRequests >= 1 else { throw fail("maximumConcurrentRequests must be at least 1") }
        guard dateLiteralOffset == "Z" || ODataLiteral.isOffset(dateLiteralOffset) else {
            throw fail("dateLiteralOffset must be Z or ±hh:mm")
        }
    }
}

extension ODataConfiguration {
    /// The offset a `DateTimeOffset` literal for local midnight of `day` (`YYYY-MM-DD`) carries: `Z` or `±hh:mm`.
    public func dateLiteralOffset(forDay day: String) -> String {
        guard let timeZone else { return dateLiteralOffset }
        let parts = day.split(separator: "-").compactMap { Int($0) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        guard parts.count == 3,
            let midnight = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
        else { return dateLiteralOffset }
        return Self.offsetLiteral(seconds: timeZone.secondsFromGMT(for: midnight))
    }

    /// `Z` for 0, else `±hh:mm`.
    public static func offsetLiteral(seconds: Int) -> String {
        if seconds == 0 { return "Z" }
        let minutes = abs(seconds) / 60
        let hours = minutes / 60
        let rest = minutes % 60
        return (seconds < 0 ? "-" : "+") + (hours < 10 ? "0" : "") + "\(hours):" + (rest < 10 ? "0" : "") + "\(rest)"
    }
}
