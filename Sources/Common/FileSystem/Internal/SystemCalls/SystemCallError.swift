/// A failed libc call: its name and the `errno` it left.
///
/// Returned by every `system_*` function; turned into a ``SysproBQError`` (naming the path) by the public
/// file-system types. A value type; `Sendable`.
struct SystemCallError: Error, Sendable, Hashable {
    /// The `errno` value read right after the call.
    var errno: Int32
    /// The libc function name, e.g. `"fsync"`.
    var call: String
}
