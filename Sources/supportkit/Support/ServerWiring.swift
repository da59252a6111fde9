import Foundation
import SupportKit
import SupportKitAssistant
import SupportKitServer

/// The assistant, customer memory, ticket store and readiness checks `supportkit serve` runs on.
///
/// Sessions use the persistent customer memory (not isolated), so a returning customer is recognised across
/// connections and restarts.
func makeServerDependencies(wiring: Wiring) async throws -> ServerDependencies {
    let assistant = try await wiring.makeAssistant()
    return ServerDependencies(
        sessions: try SupportAssistantFactory(assistant: assistant),
        history: MemoryHistory(memory: assistant.memory),
        tickets: StoredTickets(store: assistant.tickets),
        readiness: AssistantReadiness(assistant: assistant))
}

/// `GET /v1/customers/{id}/history` from the assistant's customer memory.
struct MemoryHistory: CustomerHistoryProvider {
    let memory: CustomerMemory

    func history(forCustomer customerId: String, limit: Int) async throws -> [CustomerHistoryEntry]? {
        let interactions = try await memory.interactions(for: customerId)
        guard !interactions.isEmpty else { return nil }
        return interactions.sorted { $0.time > $1.time }.prefix(limit).map {
            CustomerHistoryEntry(text: $0.text, role: "customer", intent: $0.intent, category: $0.category,
                                 resolved: $0.resolved, recordedAt: $0.time)
        }
    }
}

/// `GET /v1/tickets/{id}` from the assistant's ticket database.
struct StoredTickets: TicketLookup {
    let store: TicketStore

    func ticket(id: String) async throws -> Ticket? {
        try await store.ticket(id: id)
    }
}

/// Ready when the knowledge base answers a search and the embedder embeds (the model is loaded).
struct AssistantReadiness: ReadinessProbe {
    let assistant: SupportAssistant

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
