import Foundation
import Synchronization
import SupportKit
import Testing
@testable import SupportKitServer

@Suite struct RateLimiterTests {
    final class FakeClock: Sendable {
        let time = Mutex(0.0)
        func advance(_ seconds: Double) { time.withLock { $0 += seconds } }
        var now: @Sendable () -> Double { { self.time.withLock { $0 } } }
    }

    @Test func burstThenRate() {
        let clock = FakeClock()
        let limiter = RateLimiter(rate: 2, burst: 3, now: clock.now)
        for _ in 0..<3 { #expect(limiter.acquire(key: "a") == .allowed) }
        #expect(limiter.acquire(key: "a") == .limited(retryAfterSeconds: 1))
        #expect(limiter.acquire(key: "b") == .allowed)
        clock.advance(0.5)
        #expect(limiter.acquire(key: "a") == .allowed)
        #expect(limiter.acquire(key: "a") == .limited(retryAfterSeconds: 1))
        clock.advance(10)
        for _ in 0..<3 { #expect(limiter.acquire(key: "a") == .allowed) }
        #expect(limiter.acquire(key: "a") != .allowed)
    }

    @Test func retryAfterRoundsUp() {
        let limiter = RateLimiter(rate: 0.25, burst: 1, now: { 0 })
        #expect(limiter.acquire(key: "a") == .allowed)
        #expect(limiter.acquire(key: "a") == .limited(retryAfterSeconds: 4))
    }
}
