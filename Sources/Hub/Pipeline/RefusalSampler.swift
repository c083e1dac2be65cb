import Foundation
import Synchronization

/// At most one record per key (a partner and signer, a message's digest) per window: the same
/// refusal repeated — a captured message replayed in a loop — is counted, not recorded each time.
final class RefusalSampler: Sendable {
    let window: Duration
    private let seen = Mutex<[String: Entry]>([:])
    /// Keys whose window ran out are dropped past this many, so the table stays small.
    private static let tableLimit = 10_000

    private struct Entry {
        var since: ContinuousClock.Instant
        var suppressed: Int
    }

    init(window: Duration) {
        self.window = window
    }

    /// nil when this refusal is only counted; otherwise how many like it went unrecorded since
    /// the last one recorded (0 the first time).
    func record(_ key: String, now: ContinuousClock.Instant = .now) -> Int? {
        seen.withLock { seen in
            if var entry = seen[key], now - entry.since < window {
                entry.suppressed += 1
                seen[key] = entry
                return nil
            }
            if seen.count >= Self.tableLimit { seen = seen.filter { now - $0.value.since < window } }
            let suppressed = seen[key]?.suppressed ?? 0
            seen[key] = Entry(since: now, suppressed: 0)
            return suppressed
        }
    }
}
