import Foundation
import SupportKit
import SupportKitStore

/// One conversation with a `SupportAssistant`: keeps the turns so far between messages.
///
/// Turns run one at a time in arrival order (``TurnQueue``): concurrent calls of ``respond(to:)`` queue, at
/// most `maxQueuedTurns` of them, and a turn that is cancelled before its side effects (ticket, memory) leaves
/// the conversation as it was.
public actor SupportSession: AssistantSession {
    public let assistant: SupportAssistant
    private var state: ConversationState
    private let turns: TurnQueue

    /// A session for `customerId` in `conversationId`.
    public init(assistant: SupportAssistant, conversationId: String, customerId: String, maxQueuedTurns: Int = 32) {
        self.assistant = assistant
        self.state = ConversationState(conversationId: conversationId, customerId: customerId)
        self.turns = TurnQueue(capacity: maxQueuedTurns)
    }

    /// The reply to the next message, after every message sent before it has been answered.
    /// - Throws: `SupportKitError.busy` when `maxQueuedTurns` messages are already waiting; `CancellationError`
    ///   when cancelled before the turn changed anything; what the assistant throws.
    public func respond(to message: String) async throws -> Reply {
        try await turns.acquire()
        do {
            let reply = try await turn(message)
            await turns.release()
            return reply
        } catch {
            await turns.release()
            throw error
        }
    }

    /// One turn, holding the queue's slot.
    private func turn(_ message: String) async throws -> Reply {
        try Task.checkCancellation()
        // The turn owns the state while it runs (no other turn can), so the turn list is appended to in place
        // rather than copied: a turn's cost must not grow with the turns before it.
        var current = state
        state.turns = []
        defer { state = current }
        return try await assistant.respond(to: message, state: &current)
    }

    /// Puts a logged agent message in place of the last reply, after the turns already queued.
    /// - Throws: `SupportKitError.invalidInput` before the first customer message; embedder errors.
    public func recordAgentMessage(_ text: String) async throws {
        try await turns.acquire()
        do {
            guard !state.turns.isEmpty else {
                throw SupportKitError(.invalidInput, "an agent message needs a customer message before it; start the conversation with the customer")
            }
            // Embedded once here, so later turns use it as context at no further cost.
            let vector = assistant.configuration.context.weight > 0 ? try await assistant.embedder.embed(text) : nil
            state.recordAgentMessage(text, vector: vector)
            await turns.release()
        } catch {
            await turns.release()
            throw error
        }
    }

    /// The conversation as of the last finished turn.
    public var conversation: ConversationState {
        get async {
            // Wait for the running turn, which holds the state; when the queue is full, what is there.
            guard (try? await turns.acquire()) != nil else { return state }
            let snapshot = state
            await turns.release()
            return snapshot
        }
    }
}

/// Opens assistant sessions for the evaluation runner and the server.
///
/// With `isolatedMemory` each session gets a fresh in-memory store holding only the customer's profile and
/// `history`, and its own in-memory ticket store, so evaluation never reads or writes real customer data,
/// conversations cannot see each other, and a conversation's ticket ids do not depend on which conversations
/// ran before it. Otherwise sessions use the assistant's persistent memory and tickets.
public struct SupportAssistantFactory: AssistantSessionFactory {
    public let assistant: SupportAssistant
    /// Fingerprints of what the assistant answers from that are not settings: the knowledge base's content.
    private let contentFingerprints: [String: String]

    /// A factory around `assistant`.
    /// - Parameter contentFingerprints: recorded with eval runs beside the embedder, classifier and settings
    ///   (for example the knowledge base's content hash).
    public init(assistant: SupportAssistant, contentFingerprints: [String: String] = [:]) throws {
        self.assistant = assistant
        self.contentFingerprints = contentFingerprints
    }

    public func makeSession(conversationId: String, customer: Conversation.Customer, isolatedMemory: Bool) async throws -> any AssistantSession {
        guard isolatedMemory else {
            if !customer.profile.isEmpty { try await assistant.memory.prepare(); try await assistant.memory.setProfile(customer.profile, for: customer.id) }
            return SupportSession(assistant: assistant, conversationId: conversationId, customerId: customer.id)
        }
        let isolated = assistant.withMemory(InMemoryVectorStore(), tickets: try TicketStore.inMemory())
        try await isolated.memory.prepare()
        try await isolated.memory.seed(customer, now: isolated.clock())
        return SupportSession(assistant: isolated, conversationId: conversationId, customerId: customer.id)
    }

    /// Embeds the run's messages in batches into the store's embedding cache, when the assistant embeds
    /// through one (batches of short messages cost a fraction of one call each); otherwise nothing.
    public func prefetch(messages: [String]) async throws {
        guard let caching = assistant.embedder as? CachingEmbedder else { return }
        let unique = Array(Set(messages)).sorted()
        let batch = 512
        for start in stride(from: 0, to: unique.count, by: batch) {
            try Task.checkCancellation()
            _ = try await caching.embed(Array(unique[start..<min(start + batch, unique.count)]))
        }
    }

    public var fingerprints: [String: String] {
        contentFingerprints.merging([
            "embedder": assistant.embedder.fingerprint.description,
            "classifier": assistant.classifier.fingerprint,
            "assistant_config": assistant.configuration.settingsFingerprint,
            "responder": assistant.configuration.responder.kind == .llm ? "llm:\(assistant.configuration.responder.model)" : "extractive",
        ]) { _, own in own }
    }
}
