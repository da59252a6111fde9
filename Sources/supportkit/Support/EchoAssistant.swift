import Foundation
import SupportKit
import SupportKitServer

/// A deterministic stand-in for the assistant, for `supportkit serve --echo-assistant`: it echoes the message,
/// picks a category from keywords, cites one made-up article per category, and escalates (opening a ticket)
/// when the customer asks for a person. It needs no store and no model, so the server and its load test run
/// anywhere.
struct EchoAssistant: AssistantSessionFactory, CustomerHistoryProvider, TicketLookup, ReadinessProbe {
    let state = EchoState()

    var fingerprints: [String: String] { ["assistant": "echo@1"] }

    func makeSession(conversationId: String, customer: Conversation.Customer, isolatedMemory: Bool) async throws -> any AssistantSession {
        EchoSession(conversationId: conversationId, customerId: customer.id, state: state)
    }

    func history(forCustomer customerId: String, limit: Int) async throws -> [CustomerHistoryEntry]? {
        await state.history(customerId).map { Array($0.suffix(limit).reversed()) }
    }

    func ticket(id: String) async throws -> Ticket? {
        await state.ticket(id)
    }

    func tickets(ofCustomer customerId: String, limit: Int) async throws -> [Ticket] {
        await state.tickets(ofCustomer: customerId, limit: limit)
    }

    func checkReadiness() async -> [ReadinessCheck] {
        [ReadinessCheck(name: "assistant", isReady: true, detail: "echo assistant (development stand-in)")]
    }

    static func dependencies() -> ServerDependencies {
        let echo = EchoAssistant()
        return ServerDependencies(sessions: echo, history: echo, tickets: echo, readiness: echo)
    }
}

/// What the echo assistant remembers: turns per customer and the tickets it opened (bounded).
actor EchoState {
    private var turns: [String: [CustomerHistoryEntry]] = [:]
    private var tickets: [String: Ticket] = [:]

    func record(_ entry: CustomerHistoryEntry, customerId: String) {
        guard turns[customerId] != nil || turns.count < 10_000 else { return }
        var list = turns[customerId, default: []]
        list.append(entry)
        if list.count > 100 { list.removeFirst(list.count - 100) }
        turns[customerId] = list
    }

    func open(_ ticket: Ticket) {
        if tickets.count < 10_000 { tickets[ticket.id] = ticket }
    }

    func history(_ customerId: String) -> [CustomerHistoryEntry]? { turns[customerId] }
    func ticket(_ id: String) -> Ticket? { tickets[id] }

    func tickets(ofCustomer customerId: String, limit: Int) -> [Ticket] {
        Array(tickets.values.filter { $0.customerId == customerId }.sorted { $0.openedAt > $1.openedAt }.prefix(limit))
    }
}

struct EchoSession: AssistantSession {
    let conversationId: String
    let customerId: String
    let state: EchoState

    func respond(to message: String) async throws -> Reply {
        let lower = message.lowercased()
        let category: String? =
            ["refund", "charge", "invoice", "bill", "payment"].contains(where: lower.contains) ? "billing"
            : ["order", "deliver", "ship", "package"].contains(where: lower.contains) ? "orders"
            : ["password", "email", "login", "account"].contains(where: lower.contains) ? "account" : nil
        let wantsPerson = ["human", "person", "agent", "manager"].contains(where: lower.contains)
        let intent = wantsPerson ? "escalate" : message.contains("?") ? "question" : "problem"
        let sources = category.map { [Reply.Source(docId: "\($0)/overview", title: "\($0.capitalized) help overview", link: "https://help.example.com/\($0)")] } ?? []
        var ticket: Ticket?
        if wantsPerson {
            let id = "T-" + String(ContentHasher.hash(conversationId + message).prefix(8))
            let opened = Ticket(
                id: String(id), customerId: customerId, openedAt: Date(), priority: .normal,
                reasons: ["customer asked for a person"], summary: String(message.prefix(120)),
                transcript: ["customer: \(message)"])
            await state.open(opened)
            ticket = opened
        }
        await state.record(CustomerHistoryEntry(text: message, role: "customer", intent: intent, category: category, resolved: !wantsPerson, recordedAt: Date()), customerId: customerId)
        let text = wantsPerson
            ? "I have passed this conversation to a person on our support team (ticket \(ticket?.id ?? "-"))."
            : "You said: \(message)"
        return Reply(
            text: text, intent: intent, confidence: 0.9, category: category, categoryConfidence: category == nil ? 0 : 0.8,
            sources: sources, retrieved: [], escalated: wantsPerson,
            escalationReasons: wantsPerson ? ["customer asked for a person"] : [], ticket: ticket, memoryRecalled: [],
            classifier: "echo@1", timings: StageTimings())
    }
}
