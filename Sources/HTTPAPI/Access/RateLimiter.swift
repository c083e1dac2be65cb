import Foundation
import Synchronization

/// Token buckets by key (a credential, an address): `rate` requests a second on average, up to
/// `burst` at once. Answers how long to wait when a bucket is empty.
final class RateLimiter: Sendable {
    let rate: Double
    let burst: Double
    private let buckets = Mutex<[String: Bucket]>([:])
    /// Buckets of clients gone quiet are dropped past this many, so a scan from many addresses
    /// cannot grow the table without end.
    private static let tableLimit = 50_000

    private struct Bucket {
        var tokens: Double
        var at: ContinuousClock.Instant
    }

    init(rate: Double, burst: Double) {
        self.rate = rate
        self.burst = burst
    }

    /// nil when the request may go ahead; otherwise the seconds until it may.
    func wait(for key: String, now: ContinuousClock.Instant = .now) -> Int? {
        buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: burst, at: now)
            bucket.tokens = min(burst, bucket.tokens + Double((now - bucket.at) / .seconds(1)) * rate)
            bucket.at = now
            defer {
                if buckets.count >= Self.tableLimit {
                    buckets = buckets.filter { Double((now - $0.value.at) / .seconds(1)) * rate + $0.value.tokens < burst }
                }
                buckets[key] = bucket
            }
            guard bucket.tokens >= 1 else { return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up))) }
            bucket.tokens -= 1
            return nil
        }
    }
}
