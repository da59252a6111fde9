import Foundation
import SupportKit

/// `supportkit ask --json` (ARCHITECTURE.md's contract): `{"text", "intent", "confidence", "category",
/// "category_confidence", "sources": [doc ids], "escalated", "escalation_reasons": [...], "ticket"}`, plus what decided
/// the reply when it was not the intent (`small_talk`, `out_of_scope`, `out_of_scope_score`, `null` when absent), the
/// classifier, the memory recalled and the stage timings. `chat --jsonl` prints one per reply.
public struct ReplyOutput: Encodable, Sendable {
    /// The answer.
    public var text: String
    /// The predicted intent.
    public var intent: String
    /// Its calibrated probability.
    public var confidence: Double
    /// The predicted category.
    public var category: String?
    /// Its probability.
    public var categoryConfidence: Double
    /// Ids of the documents cited.
    public var sources: [String]
    /// Whether the turn was handed to a person.
    public var escalated: Bool
    /// Why.
    public var escalationReasons: [String]
    /// The ticket opened, if any.
    public var ticket: String?
    /// The kind of small talk the message was (`greeting`, `thanks`, ...): the reply answered that, not the intent.
    public var smallTalk: String?
    /// Whether the message was taken as out of scope; nil without an out-of-scope detector.
    public var outOfScope: Bool?
    /// How unlike every trained intent the message is, 0 to 1; nil without an out-of-scope detector.
    public var outOfScopeScore: Double?
    /// The classifier's fingerprint.
    public var classifier: String
    /// Memory lines recalled for this customer.
    public var memoryRecalled: [String]
    /// Milliseconds per stage: classify, memory, retrieve, respond.
    public var timingsMs: [String: Double]

    /// The JSON form of `reply`.
    public init(_ reply: Reply) {
        text = reply.text
        intent = reply.intent
        confidence = reply.confidence
        category = reply.category
        categoryConfidence = reply.categoryConfidence
        sources = reply.sources.map(\.docId)
        escalated = reply.escalated
        escalationReasons = reply.escalationReasons
        ticket = reply.ticket?.id
        smallTalk = reply.smallTalk
        outOfScope = reply.outOfScope
        outOfScopeScore = reply.outOfScopeScore
        classifier = reply.classifier
        memoryRecalled = reply.memoryRecalled
        timingsMs = reply.timings.byStage
    }

    private enum CodingKeys: String, CodingKey {
        case text, intent, confidence, category, categoryConfidence = "category_confidence", sources, escalated
        case escalationReasons = "escalation_reasons", ticket, smallTalk = "small_talk", outOfScope = "out_of_scope"
        case outOfScopeScore = "out_of_scope_score", classifier, memoryRecalled = "memory_recalled", timingsMs = "timings_ms"
    }

    /// Writes every field, `null` for absent optionals, so scripts see one shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(text, forKey: .text)
        try container.encode(intent, forKey: .intent)
        try container.encode(confidence, forKey: .confidence)
        try container.encode(category, forKey: .category)
        try container.encode(categoryConfidence, forKey: .categoryConfidence)
        try container.encode(sources, forKey: .sources)
        try container.encode(escalated, forKey: .escalated)
        try container.encode(escalationReasons, forKey: .escalationReasons)
        try container.encode(ticket, forKey: .ticket)
        try container.encode(smallTalk, forKey: .smallTalk)
        try container.encode(outOfScope, forKey: .outOfScope)
        try container.encode(outOfScopeScore, forKey: .outOfScopeScore)
        try container.encode(classifier, forKey: .classifier)
        try container.encode(memoryRecalled, forKey: .memoryRecalled)
        try container.encode(timingsMs, forKey: .timingsMs)
    }
}
