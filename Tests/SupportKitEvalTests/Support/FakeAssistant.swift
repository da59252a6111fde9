import Foundation
import SupportKit
import SupportKitEvalTesting
import SupportKitEval

/// What a fake session does for one message.
enum FakeBehavior: Sendable {
    case reply(Reply)
    case fail(String)
    /// Sleeps (cancellably) this long before replying.
    case hang(seconds: Double)
}

struct FakeError: Error, CustomStringConvertible {
    var description: String
}

/// An assistant session factory that answers from a script keyed by message text.
final class FakeFactory: AssistantSessionFactory, @unchecked Sendable {
    // @unchecked: `calls` and `sessions` are only touched while holding `lock`.
    private let lock = NSLock()
    private var calls: [String] = []
    private var sessionsOpened: [(conversation: String, isolated: Bool)] = []
    let script: [String: FakeBehavior]
    let failingConversations: Set<String>

    init(script: [String: FakeBehavior], failingConversations: Set<String> = []) {
        self.script = script
        self.failingConversations = failingConversations
    }

    var fingerprints: [String: String] { ["embedder": "fake@1/8", "classifier": "fake"] }

    func makeSession(conversationId: String, customer: Conversation.Customer, isolatedMemory: Bool) async throws -> any AssistantSession {
        lock.withLock { sessionsOpened.append((conversationId, isolatedMemory)) }
        if failingConversations.contains(conversationId) { throw FakeError(description: "session refused") }
        return FakeSession(factory: self)
    }

    func log(_ message: String) { lock.withLock { calls.append(message) } }
    var messages: [String] { lock.withLock { calls } }
    var openedSessions: [(conversation: String, isolated: Bool)] { lock.withLock { sessionsOpened } }
}

struct FakeSession: AssistantSession {
    let factory: FakeFactory

    func respond(to message: String) async throws -> Reply {
        factory.log(message)
        switch factory.script[message] ?? .reply(makeReply(intent: "question")) {
        case .reply(let reply): return reply
        case .fail(let text): throw FakeError(description: text)
        case .hang(let seconds):
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            return makeReply(intent: "question")
        }
    }
}
