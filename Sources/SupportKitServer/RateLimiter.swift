import Synchronization

/// Per-key token buckets: each key holds up to `burst` tokens, refilled at `rate` tokens per second; a
/// request spends one token.
///
/// Buckets of keys that have been full for a while are dropped, so memory stays bounded by the number of
/// active keys.
public final class RateLimiter: Sendable {
    /// The outcome of ``acquire(key:)``.
    public enum Decision: Sendable, Equatable {
        case allowed
        /// Denied; a token will be available after this many seconds (rounded up, at least 1).
        case limited(retryAfterSeconds: Int)
    }

    private struct Bucket {
        var tokens: Double
        var updated: Double
    }

    private let rate: Double
    private let burst: Double
    private let now: @Sendable () -> Double
    private let buckets = Mutex<[String: Bucket]>([:])

    /// Creates a limiter.
    ///
    /// - Parameters:
    ///   - rate: Tokens added per second; must be positive.
    ///   - burst: Bucket size; at least 1.
    ///   - now: Monotonic seconds; injectable for tests.
    public init(rate: Double, burst: Double, now: @escaping @Sendable () -> Double = RateLimiter.monotonicSeconds) {
        self.rate = max(rate, 1e-9)
        self.burst = max(burst, 1)
        self.now = now
    }

    /// Spends one token of `key` if there is one.
    public func acquire(key: String) -> Decision {
        let time = now()
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: burst, updated: time)
            bucket.tokens = min(burst, bucket.tokens + (time - bucket.updated) * rate)
            bucket.updated = time
            let decision: Decision
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                decision = .allowed
            } else {
                let wait = (1 - bucket.tokens) / rate
                decision = .limited(retryAfterSeconds: max(1, Int(wait.rounded(.up))))
            }
            buckets[key] = bucket
            if buckets.count > 10_000 { Self.dropFullBuckets(&buckets, at: time, rate: rate, burst: burst) }
            return decision
        }
    }

    private static func dropFullBuckets(_ buckets: inout [String: Bucket], at time: Double, rate: Double, burst: Double) {
        buckets = buckets.filter { _, bucket in bucket.tokens + (time - bucket.updated) * rate < burst }
    }

    /// Seconds on a monotonic clock.
    @Sendable public static func monotonicSeconds() -> Double {
        let elapsed = ContinuousClock.now - start
        return elapsed.seconds
    }

    private static let start = ContinuousClock.now
}
