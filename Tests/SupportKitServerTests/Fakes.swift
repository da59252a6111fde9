import Foundation
import Logging
import Synchronization
import SupportKit
import SupportKitServer

/// A scripted assistant: replies by keyword, records how many sessions it opened and which messages it saw.
///
/// - a message containing `slow` takes `slowDelay` (and honours cancellation);
/// - `human` escalates and opens ticket `T-1`;
/// - `unavailable` throws `SupportKitError(.unavailable)`; `crash` throws an unexpected error.
final class FakeAssistant: AssistantSessionFactory, Sendable {
    let slowDelay: Duration
    private let state = Mutex<(sessions: Int, messages: [String], started: Int)>((0, [], 0))

    init(slowDelay: Duration = .seconds(5)) {
        self.slowDelay = slowDelay
    }

    var fingerprints: [String: String] { ["assistant": "fake"] }
    var sessionsOpened: Int { state.withLock { $0.sessions } }
    var messages: [String] { state.withLock { $0.messages } }
    /// Number of turns that started (including ones still running).
    var turnsStarted: Int { state.withLock { $0.started } }

    func makeSession(conversationId: String, customer: Conversation.Customer, isolatedMemory: Bool) async throws -> any AssistantSession {
        state.withLock { $0.sessions += 1 }
        return Session(assistant: self, conversationId: conversationId, customerId: customer.id)
    }

    struct Crash: Error {}

    struct Session: AssistantSession {
        let assistant: FakeAssistant
        let conversationId: String
        let customerId: String

        func respond(to message: String) async throws -> Reply {
            assistant.state.withLock {
                $0.started += 1
                $0.messages.append(message)
            }
            if message.contains("slow") { try await Task.sleep(for: assistant.slowDelay) }
            if message.contains("unavailable") { throw SupportKitError(.unavailable, "the vector store at sqlite:x is locked") }
            if message.contains("crash") { throw Crash() }
            let escalated = message.contains("human")
            return Reply(
                text: "echo: \(message)", intent: escalated ? "escalate" : "question", confidence: 0.75, category: "billing",
                categoryConfidence: 0.6,
                sources: [Reply.Source(docId: "billing/refunds", title: "Refunds", link: "https://help.example.com/refunds")],
                retrieved: [], escalated: escalated, escalationReasons: escalated ? ["asked for a person"] : [],
                ticket: escalated ? FakeData.ticket(customerId: customerId) : nil, memoryRecalled: [], classifier: "fake",
                timings: StageTimings())
        }
    }
}

enum FakeData {
    static let key = "test-key-0123456789abcdef"
    static let otherKey = "other-key-0123456789abcdef"

    static func ticket(customerId: String = "c-1") -> Ticket {
        Ticket(
            id: "T-1", customerId: customerId, openedAt: Date(timeIntervalSince1970: 1_700_000_000), priority: .high,
            reasons: ["asked for a person"], summary: "wants a person", transcript: ["customer: human please"])
    }
}

struct FakeHistory: CustomerHistoryProvider {
    func history(forCustomer customerId: String, limit: Int) async throws -> [CustomerHistoryEntry]? {
        guard customerId == "c-1" else { return nil }
        return Array([
            CustomerHistoryEntry(text: "refund for order 5521", role: "customer", intent: "action", category: "billing", resolved: false),
            CustomerHistoryEntry(text: "changed email", role: "customer", resolved: true),
        ].prefix(limit))
    }
}

struct FakeTickets: TicketLookup {
    func ticket(id: String) async throws -> Ticket? {
        id == "T-1" ? FakeData.ticket() : nil
    }
}

struct FakeReadiness: ReadinessProbe {
    var ready = true
    func checkReadiness() async -> [ReadinessCheck] {
        [
            ReadinessCheck(name: "store", isReady: true),
            ReadinessCheck(name: "model", isReady: ready, detail: ready ? nil : "model files missing; run supportkit models fetch"),
        ]
    }
}

/// A server over the fakes, with settings tests commonly change.
func makeTestServer(
    assistant: FakeAssistant = FakeAssistant(), ready: Bool = true, configure: (inout ServerConfiguration) -> Void = { _ in },
    clock: @escaping @Sendable () -> Double = RateLimiter.monotonicSeconds
) throws -> SupportServer {
    var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, requestTimeout: .seconds(2), rateLimit: 1000, burst: 1000)
    configure(&configuration)
    let dependencies = ServerDependencies(
        sessions: assistant, history: FakeHistory(), tickets: FakeTickets(), readiness: FakeReadiness(ready: ready))
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return SupportServer(
        configuration: configuration, dependencies: dependencies,
        keys: try APIKeySet(keys: [FakeData.key, FakeData.otherKey]), logger: logger, clock: clock)
}
