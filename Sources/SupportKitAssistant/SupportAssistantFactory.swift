import Foundation
import SupportKit
import SupportKitStore

/// One conversation with a `SupportAssistant`: keeps the turns so far between messages.
public actor SupportSession: AssistantSession {
    public let assistant: SupportAssistant
    private var state: ConversationState

    /// A session for `customerId` in `conversationId`.
    public init(assistant: SupportAssistant, conversationId: String, customerId: String) {
        self.assistant = assistant
        self.state = ConversationState(conversationId: conversationId, customerId: customerId)
    }

    public func respond(to message: String) async throws -> Reply {
        var current = state
        let reply = try await assistant.respond(to: message, state: &current)
        state = current
        return reply
    }

    /// The conversation so far.
    public var conversation: ConversationState { state }
}

/// Opens assistant sessions for the evaluation runner and the server.
///
/// With `isolatedMemory` each session gets a fresh in-memory store holding only the customer's profile and
/// `history`, and tickets go to an in-memory ticket store, so evaluation never reads or writes real customer
/// data and conversations cannot see each other. Otherwise sessions use the assistant's persistent memory
/// and tickets.
public struct SupportAssistantFactory: AssistantSessionFactory {
    public let assistant: SupportAssistant
    private let evaluationTickets: TicketStore

    /// A factory around `assistant`.
    /// - Throws: when the in-memory ticket store cannot be created.
    public init(assistant: SupportAssistant) throws {
        self.assistant = assistant
        self.evaluationTickets = try TicketStore.inMemory()
    }

    public func makeSession(conversationId: String, customer: Conversation.Customer, isolatedMemory: Bool) async throws -> any AssistantSession {
        guard isolatedMemory else {
            if !customer.profile.isEmpty { try await assistant.memory.prepare(); try await assistant.memory.setProfile(customer.profile, for: customer.id) }
            return SupportSession(assistant: assistant, conversationId: conversationId, customerId: customer.id)
        }
        let isolated = assistant.withMemory(InMemoryVectorStore(), tickets: evaluationTickets)
        try await isolated.memory.prepare()
        try await isolated.memory.seed(customer, now: isolated.clock())
        return SupportSession(assistant: isolated, conversationId: conversationId, customerId: customer.id)
    }

    public var fingerprints: [String: String] {
        var settings = ContentHasher()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        settings.combine((try? encoder.encode(assistant.configuration)).map { String(decoding: $0, as: UTF8.self) } ?? "")
        return [
            "embedder": assistant.embedder.fingerprint.description,
            "classifier": assistant.classifier.fingerprint,
            "assistant_config": String(settings.finalize().prefix(12)),
            "responder": assistant.configuration.responder.kind == "llm" ? "llm:\(assistant.configuration.responder.model)" : "extractive",
        ]
    }
}
