#if FUZZING
/// libFuzzer's driver (`FuzzerInterface.h`), declared here because the toolchain ships no Swift module for it.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

extension FuzzTarget {
    /// Runs libFuzzer over `callback` with the process arguments, and returns its exit status.
    ///
    /// SwiftPM links every executable with `main` aliased to `<Module>_main` (so tests can link executables), which
    /// keeps libFuzzer's own `main` out; each fuzz executable therefore defines `<Module>_main` and starts libFuzzer
    /// through its documented driver entry point instead.
    public static func runLibFuzzer(
        argc: CInt,
        argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt {
        var argc = argc
        var argv = argv
        return LLVMFuzzerRunDriver(&argc, &argv, callback)
    }
}
#endif
