import Foundation
import SupportKit

/// What the assistant keeps about the conversation in progress (as opposed to memory, which outlives it).
public struct ConversationState: Sendable, Hashable {
    /// One finished turn.
    public struct Turn: Sendable, Hashable {
        public var message: String
        public var intent: String
        public var category: String?
        /// Whether the message reported a problem that is still unresolved.
        public var openProblem: Bool
        /// The memory interaction that recorded it.
        public var interactionId: UUID
        public var reply: String
        public var escalated: Bool

        /// A finished turn.
        public init(message: String, intent: String, category: String?, openProblem: Bool, interactionId: UUID, reply: String, escalated: Bool) {
            self.message = message
            self.intent = intent
            self.category = category
            self.openProblem = openProblem
            self.interactionId = interactionId
            self.reply = reply
            self.escalated = escalated
        }
    }

    public var conversationId: String
    public var customerId: String
    public var turns: [Turn]
    /// The ticket this conversation opened, if it escalated; later escalations reuse it.
    public var ticket: Ticket?

    /// A new conversation with `customerId`.
    public init(conversationId: String = UUID().uuidString, customerId: String) {
        self.conversationId = conversationId
        self.customerId = customerId
        self.turns = []
    }

    /// `customer: …` / `assistant: …` lines, oldest first, for tickets.
    public var transcript: [String] {
        turns.flatMap { ["customer: \($0.message)", "assistant: \($0.reply)"] }
    }

    /// The memory ids of this conversation's turns.
    public var interactionIds: Set<UUID> { Set(turns.map(\.interactionId)) }
}
