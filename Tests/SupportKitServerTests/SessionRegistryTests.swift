import Foundation
import Synchronization
import SupportKit
import Testing
@testable import SupportKitServer

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
