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

    func tickets(ofCustomer customerId: String, limit: Int) async throws -> [Ticket] {
        customerId == "c-1" ? Array([FakeData.ticket()].prefix(limit)) : []
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
/// An assistant whose sessions read their state, wait, and write it back, as a conversation with memory does:
/// two turns of one conversation that overlap would both open a ticket. Records the most turns it saw running
/// at once per conversation, and every message in the order the turns started.
final class RacyAssistant: AssistantSessionFactory, Sendable {
    struct Conversation { var ticket: String?; var running = 0; var maxRunning = 0; var messages: [String] = [] }
    let turnTime: Duration
    /// Whether a turn keeps going when cancelled, as a CPU-bound model call does.
    let ignoresCancellation: Bool
    /// Tickets opened, per conversation, the most turns running at once across all conversations, and
    /// `start MESSAGE` / `end MESSAGE` events in the order they happened.
    let state = Mutex<(tickets: Int, conversations: [String: Conversation], running: Int, maxRunning: Int, events: [String])>((0, [:], 0, 0, []))

    init(turnTime: Duration = .milliseconds(5), ignoresCancellation: Bool = false) {
        self.turnTime = turnTime
        self.ignoresCancellation = ignoresCancellation
    }

    var fingerprints: [String: String] { ["assistant": "racy"] }

    func makeSession(conversationId: String, customer: SupportKit.Conversation.Customer, isolatedMemory: Bool) async throws -> any AssistantSession {
        Session(assistant: self, conversationId: conversationId)
    }

    struct Session: AssistantSession {
        let assistant: RacyAssistant
        let conversationId: String

        func respond(to message: String) async throws -> Reply {
            let hadTicket = assistant.state.withLock { state in
                state.conversations[conversationId, default: Conversation()].running += 1
                let running = state.conversations[conversationId]!.running
                state.conversations[conversationId]!.maxRunning = max(state.conversations[conversationId]!.maxRunning, running)
                state.conversations[conversationId]!.messages.append(message)
                state.running += 1
                state.maxRunning = max(state.maxRunning, state.running)
                state.events.append("start \(message)")
                return state.conversations[conversationId]!.ticket
            }
            defer {
                assistant.state.withLock { state in
                    state.conversations[conversationId]!.running -= 1
                    state.running -= 1
                    state.events.append("end \(message)")
                }
            }
            if assistant.ignoresCancellation {
                let milliseconds = Int(assistant.turnTime.components.seconds * 1000 + assistant.turnTime.components.attoseconds / 1_000_000_000_000_000)
                await withCheckedContinuation { continuation in
                    DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) { continuation.resume() }
                }
            } else {
                try await Task.sleep(for: assistant.turnTime)
            }
            let ticket = assistant.state.withLock { state -> String in
                if let hadTicket { return hadTicket }
                state.tickets += 1
                let id = "T-\(state.tickets)"
                state.conversations[conversationId]!.ticket = id
                return id
            }
            return Reply(
                text: "a person will follow up (\(ticket))", intent: "escalate", confidence: 0.9, category: nil, categoryConfidence: 0,
                sources: [], retrieved: [], escalated: true, escalationReasons: ["asked for a person"],
                ticket: FakeData.ticket(customerId: "c-1").with(id: ticket), memoryRecalled: [], classifier: "racy", timings: StageTimings())
        }
    }
}

extension Ticket {
    func with(id: String) -> Ticket {
        var copy = self
        copy.id = id
        return copy
    }
}

func makeTestServer(
    assistant: any AssistantSessionFactory = FakeAssistant(), ready: Bool = true, configure: (inout ServerConfiguration) -> Void = { _ in },
    clock: @escaping @Sendable () -> Double = RateLimiter.monotonicSeconds,
    identitySecret: CustomerToken.Secret? = nil, now: @escaping @Sendable () -> Date = { Date() }
) throws -> SupportServer {
    // Tests of the deadline set their own; for the others, room for a 2-core machine whose full test run stalls
    // this process for 20 s (turns of the instant fake assistant answered 504 at 2 s).
    var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, requestTimeout: .seconds(60), rateLimit: 1000, burst: 1000)
    configure(&configuration)
    let dependencies = ServerDependencies(
        sessions: assistant, history: FakeHistory(), tickets: FakeTickets(), readiness: FakeReadiness(ready: ready))
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return SupportServer(
        configuration: configuration, dependencies: dependencies,
        keys: try APIKeySet(keys: [FakeData.key, FakeData.otherKey]), logger: logger, identitySecret: identitySecret,
        clock: clock, now: now)
}
