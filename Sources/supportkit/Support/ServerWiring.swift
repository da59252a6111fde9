import Foundation
import SupportKit
import SupportKitAssistant
import SupportKitEval
import SupportKitServer

/// The assistant, customer memory, ticket store and readiness checks `supportkit serve` runs on.
///
/// Sessions use the persistent customer memory (not isolated), so a returning customer is recognised across
/// connections and restarts.
func makeServerDependencies(wiring: Wiring) async throws -> ServerDependencies {
    let assistant = try await wiring.makeAssistant()
    let sessions = try SupportAssistantFactory(assistant: assistant)
    // The knowledge base as of start-up: hashing every chunk on each /readyz poll would cost too much.
    var deployment = sessions.fingerprints
    deployment["tool_version"] = BuildInfo.version
    if let catalog = try await KnowledgeCatalog.load(from: assistant.knowledge.store) { deployment["knowledge_base"] = catalog.corpusHash }
    let history = MemoryHistory(memory: assistant.memory, clock: assistant.clock)
    return ServerDependencies(
        sessions: sessions, history: history, tickets: StoredTickets(store: assistant.tickets),
        readiness: AssistantReadiness(assistant: assistant, deployment: deployment), historyRecorder: history,
        eraser: CustomerErasing(memory: assistant.memory, tickets: assistant.tickets))
}

/// `DELETE /v1/customers/{id}` on the assistant's customer memory and ticket store.
struct CustomerErasing: CustomerEraser {
    let memory: CustomerMemory
    let tickets: TicketStore

    func erase(customer customerId: String) async throws -> CustomerErasure {
        try await memory.prepare()
        let entries = try await memory.forget(customerId)
        return CustomerErasure(memoryEntries: entries, tickets: try await tickets.deleteTickets(customerId: customerId))
    }
}

/// `GET` and `POST /v1/customers/{id}/history` on the assistant's customer memory.
struct MemoryHistory: CustomerHistoryProvider, CustomerHistoryRecorder {
    let memory: CustomerMemory
    let clock: @Sendable () -> Date

    /// Seeds the entries as an evaluation run seeds an isolated memory (`CustomerMemory.seed`), so a replay
    /// through the server remembers what an in-process replay remembers.
    func record(_ entries: [CustomerHistoryEntry], profile: [String: String], forCustomer customerId: String) async throws {
        try await memory.prepare()
        let history = entries.map { Conversation.HistoryItem(text: $0.text, intent: $0.intent, category: $0.category, resolved: $0.resolved) }
        try await memory.seed(Conversation.Customer(id: customerId, profile: profile, history: history), now: clock())
    }

    func history(forCustomer customerId: String, limit: Int) async throws -> [CustomerHistoryEntry]? {
        let interactions = try await memory.interactions(for: customerId)
        guard !interactions.isEmpty else { return nil }
        return interactions.sorted { $0.time > $1.time }.prefix(limit).map {
            CustomerHistoryEntry(text: $0.text, role: "customer", intent: $0.intent, category: $0.category,
                                 resolved: $0.resolved, recordedAt: $0.time)
        }
    }
}

/// `GET /v1/tickets/{id}` and `GET /v1/customers/{id}/tickets` from the assistant's ticket database.
struct StoredTickets: TicketLookup {
    let store: TicketStore

    func ticket(id: String) async throws -> Ticket? {
        try await store.ticket(id: id)
    }

    func tickets(ofCustomer customerId: String, limit: Int) async throws -> [Ticket] {
        try await store.list(customerId: customerId, limit: limit)
    }
}

/// Ready when the knowledge base answers a search and the embedder embeds (the model is loaded).
struct AssistantReadiness: ReadinessProbe {
    let assistant: SupportAssistant
    /// Tool version, embedder, classifier, settings and knowledge-base fingerprints.
    let fingerprints: [String: String]

    init(assistant: SupportAssistant, deployment: [String: String]) {
        self.assistant = assistant
        self.fingerprints = deployment
    }

    func deployment() async -> [String: String] { fingerprints }

    func checkReadiness() async -> [ReadinessCheck] {
        var checks: [ReadinessCheck] = []
        do {
            let vector = try await assistant.embedder.embed("readiness probe")
            checks.append(ReadinessCheck(name: "model", isReady: vector.count == assistant.embedder.fingerprint.dimension))
            _ = try await assistant.knowledge.store.search(vector, in: Collections.knowledge, filter: nil, limit: 1)
            checks.append(ReadinessCheck(name: "store", isReady: true))
        } catch {
            checks.append(ReadinessCheck(name: checks.isEmpty ? "model" : "store", isReady: false,
                                         detail: "\(error)"))
        }
        return checks
    }
}
