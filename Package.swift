// swift-tools-version: 6.1
import PackageDescription

/// Strict settings, declared once and applied to every Swift target below (STYLE.md §5).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let log: Target.Dependency = .product(name: "Logging", package: "swift-log")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "syspro-bq",
    products: [
        .executable(name: "syspro-bq", targets: ["syspro-bq"]),
        .executable(name: "syspro-sim", targets: ["syspro-sim"]),
        .executable(name: "fake-bigquery", targets: ["fake-bigquery"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // Thin system-library wrappers: module.modulemap + shim.h only (STYLE.md §11).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // Shared primitives: HTTP over libcurl, gzip over zlib, crypto over libcrypto, durable files, errors.
        .target(name: "Common", dependencies: ["CZlib", "CCurl", "CCrypto", log]),
        // The on-disk staging log. Knows nothing of SYSPRO or BigQuery.
        .target(name: "SegmentLog", dependencies: ["Common", "CZlib", "CCurl", "CCrypto", log]),
        // SYSPRO clients (OData, e.net) and the entity catalog.
        .target(name: "Extract", dependencies: ["Common", "CZlib", "CCurl", "CCrypto", log]),
        // Runs an extract into the staging log: rows to segments, watermarks, dedup index.
        .target(name: "Stage", dependencies: ["Common", "SegmentLog", "Extract", "CZlib", "CCurl", "CCrypto", log]),
        // BigQuery clients, OAuth, insertAll, load jobs, the load journal. Reads the log through SegmentLog only.
        .target(name: "Load", dependencies: ["Common", "SegmentLog", "CZlib", "CCurl", "CCrypto", log]),
        // The operator's side: configuration, encrypted credentials, exit codes, logs, metrics, signals, summaries.
        .target(name: "Operator", dependencies: ["Common", "CZlib", "CCurl", "CCrypto", log]),
        // A small blocking HTTP/1.1 server with byte-level fault injection, for the simulator and fakes.
        .target(name: "LocalServer", dependencies: [log]),
        // Financial reconciliation: staged control totals vs BigQuery vs SYSPRO, the audit report, analytic views.
        .target(name: "Reconcile", dependencies: ["Common", "SegmentLog", "Load", "CZlib", "CCurl", "CCrypto", log]),
        // The fake BigQuery REST + OAuth server's logic, a library so its tests can run it in process.
        .target(name: "FakeBigQueryKit", dependencies: ["LocalServer", "Common", "CZlib", "CCurl", "CCrypto", log]),

        .executableTarget(
            name: "syspro-bq",
            dependencies: [
                "Common", "Operator", "SegmentLog", "Extract", "Stage", "Load", "Reconcile", "CZlib", "CCurl",
                "CCrypto", log,
                argumentParser,
            ]
        ),
        // Fuzzing (scripts/fuzz.sh explains the builds): the parsers through their public entry points, one libFuzzer
        // executable per parser. Built without `-D FUZZING`, each executable replays the input files it is given.
        .target(name: "FuzzTargets", dependencies: ["Common", "SegmentLog", "Extract", "Operator", log]),
        .executableTarget(name: "FuzzManifest", dependencies: ["FuzzTargets"]),
        .executableTarget(name: "FuzzODataPage", dependencies: ["FuzzTargets"]),
        .executableTarget(name: "FuzzENetXML", dependencies: ["FuzzTargets"]),
        .executableTarget(name: "FuzzConfig", dependencies: ["FuzzTargets"]),
        .executableTarget(
            name: "syspro-sim",
            dependencies: ["LocalServer", "Common", "CZlib", "CCurl", "CCrypto", log, argumentParser]
        ),
        .executableTarget(
            name: "fake-bigquery",
            dependencies: [
                "FakeBigQueryKit", "LocalServer", "Common", "CZlib", "CCurl", "CCrypto", log, argumentParser,
            ]
        ),
        // Test helper: writes segments forever so SegmentLog's tests can SIGKILL it at random instants.
        .executableTarget(name: "segmentlog-crash-writer", dependencies: ["SegmentLog", "Common", log]),
        // `make bench` only: the staging log's write and read speed beside plain zlib on the same bytes.
        .executableTarget(
            name: "segmentlog-bench",
            dependencies: ["SegmentLog", "Common", "CZlib", "CCurl", "CCrypto", log]
        ),

        .testTarget(
            name: "CommonTests",
            dependencies: ["Common", "LocalServer", "CZlib", "CCurl", "CCrypto"],
            // The loopback HTTP server the HTTP tests start; run with python3, not a bundle resource.
            exclude: ["Fixtures/http_test_server.py"]
        ),
        .testTarget(
            name: "SegmentLogTests",
            dependencies: ["SegmentLog", "Common", "CZlib", "CCurl", "CCrypto", log]
        ),
        .testTarget(name: "ExtractTests", dependencies: ["Extract", "Common", "CZlib", "CCurl", "CCrypto"]),
        .testTarget(
            name: "StageTests",
            dependencies: ["Stage", "SegmentLog", "Extract", "Common", "CZlib", "CCurl", "CCrypto", log]
        ),
        .testTarget(
            name: "LoadTests",
            dependencies: ["Load", "SegmentLog", "Common", "CZlib", "CCurl", "CCrypto", log]
        ),
        .testTarget(
            name: "ReconcileTests",
            dependencies: [
                "Reconcile", "Stage", "Extract", "Load", "SegmentLog", "Common", "CZlib", "CCurl", "CCrypto", log,
            ]
        ),
        .testTarget(name: "LocalServerTests", dependencies: ["LocalServer"]),
        .testTarget(name: "SimulatorTests", dependencies: ["syspro-sim", "LocalServer", log]),
        .testTarget(
            name: "FakeBigQueryTests",
            dependencies: ["FakeBigQueryKit", "LocalServer", "Common", "CZlib", "CCurl", "CCrypto"]
        ),
        .testTarget(name: "OperatorTests", dependencies: ["Operator", "Common", "CZlib", "CCurl", "CCrypto", log]),
        // Runs the built syspro-bq binary; help snapshots are read from Snapshots/ by path, not as resources.
        .testTarget(name: "CLITests", dependencies: ["Common", "Extract"], exclude: ["Snapshots"]),
        // Runs the built binaries (syspro-sim, syspro-bq, fake-bigquery) and bqemulator end to end, on 127.0.0.1.
        .testTarget(name: "EndToEndTests", dependencies: ["Common", "Extract"]),
        // Security properties as tests (file modes, TLS verification, insecure endpoints) and the fuzz corpus replay.
        .testTarget(
            name: "SecurityTests",
            dependencies: ["FuzzTargets", "SegmentLog", "Extract", "Load", "Common", "CZlib", "CCurl", "CCrypto", log],
            // The loopback HTTPS server the TLS tests start; run with python3, not a bundle resource.
            exclude: ["Fixtures/tls_answer_server.py"]
        ),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(contentsOf: strictSettings)
    target.swiftSettings = settings
}
