import Foundation
import SupportKit

/// `supportkit ask --json` (ARCHITECTURE.md's contract): `{"text", "intent", "confidence", "category",
/// "category_confidence", "sources": [doc ids], "escalated", "escalation_reasons": [...], "ticket"}`, plus the
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
        classifier = reply.classifier
        memoryRecalled = reply.memoryRecalled
        timingsMs = ["classify": reply.timings.classify, "memory": reply.timings.memory, "retrieve": reply.timings.retrieve,
                     "respond": reply.timings.respond]
    }

    private enum CodingKeys: String, CodingKey {
        case text, intent, confidence, category, categoryConfidence = "category_confidence", sources, escalated
        case escalationReasons = "escalation_reasons", ticket, classifier, memoryRecalled = "memory_recalled", timingsMs = "timings_ms"
    }
}
