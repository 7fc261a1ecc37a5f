/// glibc's `malloc_trim` (malloc.h, which Swift's Glibc module does not export).
@_silgen_name("malloc_trim") private func glibcMallocTrim(_ pad: Int) -> Int32

/// Gives freed heap memory back to the system.
///
/// glibc returns a thread arena's free memory only from the top of its heap, so a long extract whose
/// reader and compressor threads free multi-megabyte page buffers in between longer-lived allocations kept
/// those pages resident: peak RSS grew with the rows although the live heap stayed near 25 MB (massif).
/// `malloc_trim(0)` releases every whole free page of every arena; Stage calls it before each seal. (It also
/// called it after every page until pages were freed on the thread that allocated them and at most two were
/// in memory: then the per-page call no longer lowered the peak, and re-faulting the released pages cost ~5 %
/// of extract CPU.)
public enum FreedMemory {
    /// Releases the free pages of every malloc arena.
    public static func release() { _ = glibcMallocTrim(0) }
}
