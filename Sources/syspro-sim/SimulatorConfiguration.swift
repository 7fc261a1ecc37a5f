/// Everything the simulator's behaviour depends on, fixed at start (faults can change at run time).
struct SimulatorConfiguration: Sendable {
    var seed: UInt64 = 42
    var scale: Double = 1.0
    var companies: [String] = ["A"]
    var operatorCode = "ADMIN"
    var password = "secret"
    var companyPassword = ""
    /// OData service root path, e.g. `/SYSPRO8Odata/SYSPROOData`.
    var odataRoot = "/SYSPRO8Odata/SYSPROOData"
    /// Emit `@odata.nextLink` when a page is cut (off: the page is silently capped, as [S] AE says).
    var nextLink = false
    /// Rows per OData page and per COMFND response at most (reference: 5000).
    var pageCap = 5000
    /// UTC offset the OData service writes dates with, in seconds (+02:00 proves the connector keeps the date part).
    var dateOffsetSeconds = 7200
    /// When false the operator is not enabled for OData and every OData call gets 403.
    var odataEnabled = true
    var glRows: Int?
    var faultRate = 0.0
    var faultKinds: [FaultKind] = FaultKind.allCases
    var hangSeconds = 5.0
    /// e.net sessions expire after this many Query calls (nil: never).
    var sessionMaxCalls: Int?
    /// e.net sessions expire this many seconds after Logon (nil: never).
    var sessionTTL: Double?
    /// The body returned for an expired or unknown e.net UserId (the real text is unknown, reference §2.5).
    var sessionErrorText = "ERROR: Session expired or invalid UserId. Please logon again"
    var enet = ENetOptions()
}

/// e.net presentation switches (reference §2.3 and §5).
struct ENetOptions: Sendable {
    /// Lower-case every element name (as INVSWS answered).
    var lowercaseElements = false
    /// Plain numeric elements carry edited numbers with commas and an `Unedited_X` twin carries the raw value (as PORQRY).
    var editedNumbers = false
    /// NULL dates as an empty element instead of `0000-00-00`.
    var emptyNullDates = false
    /// Logon returns the token JSON-quoted (`"…  "`).
    var jsonToken = false
    /// Business objects answering `e.net exception 100000` (not licensed).
    var unlicensedObjects: Set<String> = []
    /// Version returned by GetVersion and written in the root element.
    var version = "8.0.0.24"
}
