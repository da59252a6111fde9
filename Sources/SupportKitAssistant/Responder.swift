import SupportKit

/// Everything an answer may draw on for one turn.
public struct ResponseContext: Sendable {
    public var customerId: String
    public var message: String
    public var classification: Classification
    /// Retrieved chunks, best first.
    public var hits: [KnowledgeBase.Hit]
    public var recall: CustomerMemory.Recall
    public var decision: EscalationPolicy.Decision
    /// The ticket opened this turn, when it escalated.
    public var ticket: Ticket?
    /// Earlier customer messages of this conversation, oldest first.
    public var earlierMessages: [String]
    /// Whether the message says an earlier problem is now solved.
    public var reportsResolution: Bool
    /// Open issues from earlier conversations (the ones worth acknowledging), oldest first.
    public var earlierOpenIssues: [CustomerMemory.Interaction]
    /// The assistant's own earlier replies in this conversation, oldest first: an answer never repeats one.
    public var earlierReplies: [String]

    /// The context of one turn; `earlierOpenIssues` defaults to all recalled open issues.
    public init(
        customerId: String, message: String, classification: Classification, hits: [KnowledgeBase.Hit],
        recall: CustomerMemory.Recall, decision: EscalationPolicy.Decision, ticket: Ticket?,
        earlierMessages: [String] = [], reportsResolution: Bool = false, earlierOpenIssues: [CustomerMemory.Interaction]? = nil,
        earlierReplies: [String] = []
    ) {
        self.earlierReplies = earlierReplies
        self.earlierOpenIssues = earlierOpenIssues ?? recall.openIssues
        self.customerId = customerId
        self.message = message
        self.classification = classification
        self.hits = hits
        self.recall = recall
        self.decision = decision
        self.ticket = ticket
        self.earlierMessages = earlierMessages
        self.reportsResolution = reportsResolution
    }
}

/// An answer and the documents it cites.
public struct Response: Sendable, Hashable {
    public var text: String
    public var sources: [Reply.Source]
    /// Which responder wrote it (`extractive`, `llm:MODEL`, `llm:MODEL (fallback: extractive; timeout)`).
    public var responder: String

    /// An answer citing `sources`, written by `responder`.
    public init(text: String, sources: [Reply.Source], responder: String) {
        self.text = text
        self.sources = sources
        self.responder = responder
    }
}

/// Writes the reply text from the retrieved chunks and memory.
public protocol Responder: Sendable {
    /// Writes the answer for `context`.
    func respond(_ context: ResponseContext) async throws -> Response
}

extension Chunk {
    /// The best link to cite: the section's deep link, else the article url, else the source file.
    var citationLink: String {
        if !anchor.isEmpty { return anchor }
        if let url, !url.isEmpty { return url }
        return sourcePath
    }
}
