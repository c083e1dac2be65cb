import CJemalloc

/// The gateway allocates through jemalloc, linked into this binary in place of the C library's
/// malloc: a message's handling makes many short-lived buffers on several threads at once, and
/// glibc's bins and their consolidation took about a tenth of the CPU under load (jemalloc's
/// per-thread caches avoid it: ~1.75 → ~1.5 ms of CPU per accepted message, `gateway bench load`).
enum MemoryAllocator {
    /// "jemalloc 5.3.0-…", as `serve` logs it at start.
    static var description: String {
        var version: UnsafePointer<CChar>?
        var length = MemoryLayout<UnsafePointer<CChar>?>.size
        guard mallctl("version", &version, &length, nil, 0) == 0, let version else { return "jemalloc (version unknown)" }
        return "jemalloc \(String(cString: version))"
    }
}
