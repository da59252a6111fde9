import Foundation
import Synchronization
import SupportKit
import Testing
@testable import SupportKitServer

@Suite struct APIKeySetTests {
    @Test func parsesFileWithComments() throws {
        let text = """
            # production keys
            key-aaaaaaaaaaaaaaaa

              key-bbbbbbbbbbbbbbbb   # the avatar front end
            """
        let keys = try APIKeySet.parseKeysFile(text, origin: "keys.txt")
        #expect(keys.count == 2)
        #expect(keys.contains("key-aaaaaaaaaaaaaaaa"))
        #expect(keys.contains("key-bbbbbbbbbbbbbbbb"))
        #expect(!keys.contains("key-bbbbbbbbbbbbbbb"))
        #expect(!keys.contains("key-bbbbbbbbbbbbbbbbb"))
        #expect(!keys.contains(""))
    }

    @Test func parsesEnvironmentValue() throws {
        let keys = try APIKeySet.parseEnvironmentValue(" key-aaaaaaaaaaaaaaaa, key-bbbbbbbbbbbbbbbb ,")
        #expect(keys.count == 2)
        #expect(keys.contains("key-bbbbbbbbbbbbbbbb"))
    }

    @Test func rejectsShortKeysWithoutEchoingThem() throws {
        let error = try #require(throws: ServerConfigurationError.self) {
            try APIKeySet.parseKeysFile("shortkey", origin: "keys.txt")
        }
        #expect(error.message.contains("keys.txt: key #1 is 8 characters long"))
        #expect(!error.message.contains("shortkey"))
    }

    @Test func constantTimeEquality() {
        #expect(APIKeySet.constantTimeEquals(Array("abc".utf8), Array("abc".utf8)) == 1)
        #expect(APIKeySet.constantTimeEquals(Array("abc".utf8), Array("abd".utf8)) == 0)
        #expect(APIKeySet.constantTimeEquals(Array("abc".utf8), Array("abcd".utf8)) == 0)
        #expect(APIKeySet.constantTimeEquals([], Array("a".utf8)) == 0)
    }

    @Test func fingerprintIsAShortHashNotTheKey() {
        let fingerprint = APIKeySet.fingerprint(of: FakeData.key)
        #expect(fingerprint.count == 8)
        #expect(!FakeData.key.contains(fingerprint))
    }
}

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

@Suite struct SessionRegistryTests {
    @Test func reusesSessionsAndExpiresIdleOnes() async throws {
        let assistant = FakeAssistant()
        let registry = SessionRegistry(factory: assistant, idleTimeout: .seconds(3), capacity: 10)
        let key = SessionRegistry.Key(customerId: "c", conversationId: "1")
        _ = try await registry.session(for: key)
        _ = try await registry.session(for: key)
        #expect(assistant.sessionsOpened == 1)
        try await Task.sleep(for: .milliseconds(4500))
        _ = try await registry.session(for: SessionRegistry.Key(customerId: "c", conversationId: "2"))
        #expect(await registry.count == 1)
        _ = try await registry.session(for: key)
        #expect(assistant.sessionsOpened == 3)
    }

    @Test func capEvictsLeastRecentlyUsed() async throws {
        let assistant = FakeAssistant()
        let registry = SessionRegistry(factory: assistant, idleTimeout: .seconds(60), capacity: 2)
        let keys = (1...3).map { SessionRegistry.Key(customerId: "c", conversationId: "\($0)") }
        _ = try await registry.session(for: keys[0])
        _ = try await registry.session(for: keys[1])
        _ = try await registry.session(for: keys[0])
        _ = try await registry.session(for: keys[2])
        #expect(await registry.count == 2)
        _ = try await registry.session(for: keys[0])
        #expect(assistant.sessionsOpened == 3)
        _ = try await registry.session(for: keys[1])
        #expect(assistant.sessionsOpened == 4)
    }

    @Test func concurrentFirstTurnsShareOneSession() async throws {
        let assistant = FakeAssistant()
        let registry = SessionRegistry(factory: assistant, idleTimeout: .seconds(60), capacity: 10)
        let key = SessionRegistry.Key(customerId: "c", conversationId: "1")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 { group.addTask { _ = try await registry.session(for: key) } }
            try await group.waitForAll()
        }
        #expect(assistant.sessionsOpened == 1)
    }
}

@Suite struct DeadlineTests {
    @Test func answersOnTimeEvenIfTheOperationIgnoresCancellation() async throws {
        let start = ContinuousClock.now
        await #expect(throws: DeadlineExceeded.self) {
            try await withDeadline(.milliseconds(50)) {
                // Finishes after 120 s whatever happens: it never looks at cancellation.
                await withCheckedContinuation { (continuation: CheckedContinuation<Int, Never>) in
                    DispatchQueue.global().asyncAfter(deadline: .now() + 120) { continuation.resume(returning: 1) }
                }
            }
        }
        // Far below the 120 s the operation takes, with room for a 2-core machine whose cooperative threads
        // other tests keep busy (17 s was seen in a full run).
        #expect(ContinuousClock.now - start < .seconds(60))
    }

    @Test func passesResultsAndErrorsThrough() async throws {
        #expect(try await withDeadline(.seconds(5)) { 42 } == 42)
        await #expect(throws: SupportKitError.self) {
            try await withDeadline(.seconds(5)) { () async throws -> Int in throw SupportKitError(.unavailable, "down") }
        }
    }
}
