import Foundation
import SupportKit

/// What the assistant keeps about the conversation in progress (as opposed to memory, which outlives it).
///
/// A turn's cost must not grow with the turns before it, so what the assistant needs about the whole
/// conversation (its memory ids, its open problems) is kept up to date as turns are appended, and what it
/// reads of earlier turns (context, repeated messages, a ticket's transcript) comes from bounded windows.
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
        /// What the customer was told after this message: the assistant's reply, or the logged agent message
        /// that stands in for it when a help-desk transcript is replayed.
        public var reply: String
        public var escalated: Bool
        /// Whether `reply` is a logged agent message rather than the assistant's own.
        public var replyIsLogged: Bool = false
        /// The message's embedding, kept so that later turns can use it as context without embedding it again.
        public var vector: [Float]?
        /// The embedding of what the customer was told, when known (a logged agent message, or the titles of
        /// the articles the reply cited).
        public var replyVector: [Float]?
        /// The documents the reply cited: the articles in play.
        public var sourceIds: [String] = []
        /// Their titles, embedded as context for the next turns.
        public var sourceTitles: [String] = []

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
    /// Every turn, oldest first; append with ``append(_:)`` so the aggregates stay right.
    public internal(set) var turns: [Turn]
    /// The ticket this conversation opened, if it escalated; later escalations reuse it.
    public var ticket: Ticket?
    /// The memory ids of this conversation's turns.
    public private(set) var interactionIds: Set<UUID> = []
    /// Indices of the turns whose problem is still open, oldest first.
    private(set) var openProblemIndices: [Int] = []
    /// Whether the last reply offered to pass the customer to a person (a "yes" then accepts).
    public internal(set) var handoffOffered = false

    /// A new conversation with `customerId`.
    public init(conversationId: String = UUID().uuidString, customerId: String) {
        self.conversationId = conversationId
        self.customerId = customerId
        self.turns = []
    }

    /// Appends a finished turn, in constant time.
    public mutating func append(_ turn: Turn) {
        if turn.openProblem { openProblemIndices.append(turns.count) }
        interactionIds.insert(turn.interactionId)
        turns.append(turn)
    }

    /// Unresolved problem reports in this conversation.
    public var openProblemCount: Int { openProblemIndices.count }

    /// The first turn whose problem is still open.
    public var firstOpenProblem: Turn? { openProblemIndices.first.map { turns[$0] } }

    /// The memory ids of the turns whose problem is still open.
    public var openProblemInteractionIds: [UUID] { openProblemIndices.map { turns[$0].interactionId } }

    /// Marks every open problem resolved; costs the number of open problems, not of turns.
    public mutating func resolveOpenProblems() {
        for index in openProblemIndices { turns[index].openProblem = false }
        openProblemIndices = []
    }

    /// The last `count` turns, oldest first.
    public func recent(_ count: Int) -> ArraySlice<Turn> { turns.suffix(max(0, count)) }

    /// Puts a logged agent message in place of the last reply (a second message in a row is added to it).
    /// - Returns: false when there is no customer turn yet for it to follow.
    @discardableResult
    public mutating func recordAgentMessage(_ text: String, vector: [Float]? = nil) -> Bool {
        guard let last = turns.indices.last else { return false }
        if turns[last].replyIsLogged {
            turns[last].reply += "\n" + text
            turns[last].replyVector = nil
        } else {
            turns[last].reply = text
            turns[last].replyIsLogged = true
            turns[last].replyVector = vector
            turns[last].sourceIds = []
            turns[last].sourceTitles = []
        }
        handoffOffered = false
        return true
    }

    /// `customer: …` / `assistant: …` (or `agent: …`) lines, oldest first, for tickets: the last `limit` turns,
    /// after a line saying how many earlier ones were left out.
    public func transcript(limit: Int) -> [String] {
        let kept = recent(limit)
        let omitted = turns.count - kept.count
        return (omitted > 0 ? ["(\(omitted) earlier turn\(omitted == 1 ? "" : "s") not shown)"] : [])
            + kept.flatMap { ["customer: \($0.message)", "\($0.replyIsLogged ? "agent" : "assistant"): \($0.reply)"] }
    }

    /// Every turn as transcript lines (see ``transcript(limit:)`` for the bounded form tickets use).
    public var transcript: [String] { transcript(limit: turns.count) }
}
