import Foundation
import SupportKit

/// The reply to one chat turn, as `POST /v1/chat` returns it and the `reply` WebSocket event carries it.
public struct ChatReplyPayload: Sendable, Equatable, Encodable {
    /// The conversation this turn belongs to; send it back to continue.
    public var conversationId: String
    /// The customer the reply is for.
    public var customerId: String
    /// The answer to show.
    public var text: String
    /// Classified intent (e.g. `question`, `problem`, `escalate`).
    public var intent: String
    /// Calibrated probability of `intent`.
    public var confidence: Double
    /// Support category, when one was recognised.
    public var category: String?
    /// Probability of `category`.
    public var categoryConfidence: Double
    /// Cited documents, best first.
    public var sources: [SourcePayload]
    /// Whether the conversation was handed to a person.
    public var escalated: Bool
    /// Why it was escalated (empty otherwise).
    public var reasons: [String]
    /// The ticket opened by this turn, if any.
    public var ticket: TicketPayload?
    /// Every chunk retrieval returned, best first: what retrieval metrics score (a document ranks by its best chunk).
    public var retrieved: [RetrievedPayload]
    /// How unlike every intent the message is, 0 to 1; nil without an out-of-scope detector.
    public var outOfScopeScore: Double?
    /// Whether the message was taken as out of scope; nil without an out-of-scope detector.
    public var outOfScope: Bool?
    /// The kind of small talk the message was (`greeting`, `thanks`, ...), or nil.
    public var smallTalk: String?
    /// Which classifier produced the intent.
    public var classifier: String
    /// Memory items recalled for the turn, one line each.
    public var memoryRecalled: [String]
    /// Milliseconds per stage: `classify`, `memory`, `retrieve`, `respond`.
    public var timingsMs: [String: Double]

    /// Builds the wire shape of `reply`.
    public init(reply: Reply, customerId: String, conversationId: String) {
        self.conversationId = conversationId
        self.customerId = customerId
        self.text = reply.text
        self.intent = reply.intent
        self.confidence = reply.confidence
        self.category = reply.category
        self.categoryConfidence = reply.categoryConfidence
        self.sources = reply.sources.map(SourcePayload.init)
        self.escalated = reply.escalated
        self.reasons = reply.escalationReasons
        self.ticket = reply.ticket.map { TicketPayload($0, includeTranscript: false) }
        self.retrieved = reply.retrieved.map(RetrievedPayload.init)
        self.outOfScopeScore = reply.outOfScopeScore
        self.outOfScope = reply.outOfScope
        self.smallTalk = reply.smallTalk
        self.classifier = reply.classifier
        self.memoryRecalled = reply.memoryRecalled
        self.timingsMs = reply.timings.byStage
    }

    enum CodingKeys: String, CodingKey {
        case conversationId = "conversation_id", customerId = "customer_id", text, intent, confidence, category
        case categoryConfidence = "category_confidence", sources, escalated, reasons, ticket
        case retrieved, outOfScopeScore = "out_of_scope_score", outOfScope = "out_of_scope", smallTalk = "small_talk"
        case classifier, memoryRecalled = "memory_recalled", timingsMs = "timings_ms"
    }

    /// Writes every field, `null` for absent optionals, so the shape is stable.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(conversationId, forKey: .conversationId)
        try container.encode(customerId, forKey: .customerId)
        try container.encode(text, forKey: .text)
        try container.encode(intent, forKey: .intent)
        try container.encode(confidence, forKey: .confidence)
        try container.encode(category, forKey: .category)
        try container.encode(categoryConfidence, forKey: .categoryConfidence)
        try container.encode(sources, forKey: .sources)
        try container.encode(escalated, forKey: .escalated)
        try container.encode(reasons, forKey: .reasons)
        try container.encode(ticket, forKey: .ticket)
        try container.encode(retrieved, forKey: .retrieved)
        try container.encode(outOfScopeScore, forKey: .outOfScopeScore)
        try container.encode(outOfScope, forKey: .outOfScope)
        try container.encode(smallTalk, forKey: .smallTalk)
        try container.encode(classifier, forKey: .classifier)
        try container.encode(memoryRecalled, forKey: .memoryRecalled)
        try container.encode(timingsMs, forKey: .timingsMs)
    }
}

/// A retrieved chunk: `{"doc_id", "chunk_id", "title", "heading_path", "score", "text"}` (`text` when known: what
/// `eval --target` checks the answer's groundedness against).
public struct RetrievedPayload: Sendable, Equatable, Encodable {
    /// The document the chunk belongs to.
    public var docId: String
    /// The chunk's id.
    public var chunkId: String
    /// The document's title.
    public var title: String
    /// `Title > Section > Subsection`.
    public var headingPath: String
    /// The retrieval score.
    public var score: Double
    /// The chunk's text.
    public var text: String?

    /// Builds the wire shape of `chunk`.
    public init(_ chunk: RetrievedChunk) {
        docId = chunk.docId
        chunkId = chunk.chunkId.uuidString.lowercased()
        title = chunk.title
        headingPath = chunk.headingPath
        score = chunk.score
        text = chunk.text
    }

    enum CodingKeys: String, CodingKey { case docId = "doc_id", chunkId = "chunk_id", title, headingPath = "heading_path", score, text }
}

/// A cited document: `{"doc_id", "title", "link"}`.
public struct SourcePayload: Sendable, Equatable, Encodable {
    /// Stable document id.
    public var docId: String
    /// Title to show as the link text.
    public var title: String
    /// Where the document lives (URL or path).
    public var link: String

    /// Builds the wire shape of `source`.
    public init(_ source: Reply.Source) {
        self.docId = source.docId
        self.title = source.title
        self.link = source.link
    }

    enum CodingKeys: String, CodingKey { case docId = "doc_id", title, link }
}
