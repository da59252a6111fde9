import Foundation
import SupportKit

/// The body of a `POST /v1/chat` answer (openapi.yaml `ChatReply`), read as leniently as the metrics allow:
/// `text`, `intent` and `escalated` are required; every other field has a neutral default, so a team's own
/// assistant can offer only what it has (a reply without `retrieved` scores no retrieval metric).
struct ChatReplyWire: Decodable {
    struct Source: Decodable {
        var docId: String
        var title: String?
        var link: String?
        enum CodingKeys: String, CodingKey { case docId = "doc_id", title, link }
    }
    struct Retrieved: Decodable {
        var docId: String
        var chunkId: String?
        var title: String?
        var headingPath: String?
        var score: Double?
        /// The chunk's text: what `eval --target` checks the answer's groundedness against.
        var text: String?
        enum CodingKeys: String, CodingKey { case docId = "doc_id", chunkId = "chunk_id", title, headingPath = "heading_path", score, text }
    }
    struct TicketWire: Decodable {
        var id: String
        var priority: String?
        var reasons: [String]?
        var summary: String?
    }

    var text: String
    var intent: String
    var confidence: Double?
    var category: String?
    var categoryConfidence: Double?
    var sources: [Source]?
    var retrieved: [Retrieved]?
    var escalated: Bool
    var reasons: [String]?
    var ticket: TicketWire?
    var outOfScopeScore: Double?
    var outOfScope: Bool?
    var smallTalk: String?
    var classifier: String?
    var memoryRecalled: [String]?
    var timingsMs: [String: Double]?

    enum CodingKeys: String, CodingKey {
        case text, intent, confidence, category, categoryConfidence = "category_confidence", sources, retrieved, escalated
        case reasons, ticket, outOfScopeScore = "out_of_scope_score", outOfScope = "out_of_scope", smallTalk = "small_talk"
        case classifier, memoryRecalled = "memory_recalled", timingsMs = "timings_ms"
    }

    /// The reply as the runner records it, for `customerId` (the id the target saw).
    func reply(customerId: String) -> Reply {
        let chunks = (retrieved ?? []).enumerated().map { rank, item in
            RetrievedChunk(
                // A target that ranks whole documents sends no chunk ids; a stable stand-in keeps rows distinct.
                chunkId: item.chunkId.flatMap(UUID.init(uuidString:))
                    ?? UUID.v5(namespace: .supportKitChunks, name: "target-rank\u{1F}\(rank)\u{1F}\(item.docId)"),
                docId: item.docId, title: item.title ?? "", headingPath: item.headingPath ?? "", score: item.score ?? 0,
                text: item.text)
        }
        let timings = timingsMs ?? [:]
        return Reply(
            text: text, intent: intent, confidence: confidence ?? 0, category: category,
            categoryConfidence: categoryConfidence ?? 0,
            sources: (sources ?? []).map { Reply.Source(docId: $0.docId, title: $0.title ?? "", link: $0.link ?? "") },
            retrieved: chunks, escalated: escalated, escalationReasons: reasons ?? [],
            ticket: ticket.map {
                Ticket(id: $0.id, customerId: customerId, openedAt: Date(), priority: $0.priority.flatMap(Ticket.Priority.init) ?? .normal,
                       reasons: $0.reasons ?? [], summary: $0.summary ?? "", transcript: [])
            },
            memoryRecalled: memoryRecalled ?? [], classifier: classifier ?? "target",
            timings: StageTimings(byStage: timings),
            outOfScopeScore: outOfScopeScore, outOfScope: outOfScope, smallTalk: smallTalk)
    }
}
