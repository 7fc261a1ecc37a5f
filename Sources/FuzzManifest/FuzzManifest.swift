import FuzzTargets

#if FUZZING
/// The libFuzzer entry point (built by scripts/fuzz.sh with `-sanitize=fuzzer` and `-D FUZZING`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTarget.manifest.run(data, size)
    return 0
}

/// The process entry: SwiftPM links `main` to `FuzzManifest_main`; it hands over to libFuzzer's driver.
@_cdecl("FuzzManifest_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzTarget.runLibFuzzer(argc: argc, argv: argv) { data, size in fuzzTestOneInput(data, size) }
}
#else
import Foundation

/// Without libFuzzer: replays the files and directories given as arguments (a crash reproducer).
@main
enum FuzzManifest {
    static func main() {
        exit(FuzzReplay.main(.manifest, arguments: Array(CommandLine.arguments.dropFirst())))
    }
}
#endif
