import Foundation
import SupportKit

/// A chat turn as clients send it: `{"customer_id", "message", "conversation_id"?}`.
public struct ChatRequest: Sendable, Equatable {
    /// Who is writing; sessions and memory are per customer.
    public var customerId: String
    /// The customer's text.
    public var message: String
    /// `nil` starts a new conversation; the reply carries the id to send next time.
    public var conversationId: String?

    /// Longest accepted message, in characters.
    public static let maxMessageLength = 8_000
    /// Longest accepted customer or conversation id.
    public static let maxIdLength = 128

    /// Creates a chat request.
    public init(customerId: String, message: String, conversationId: String? = nil) {
        self.customerId = customerId
        self.message = message
        self.conversationId = conversationId
    }

    /// Parses a JSON body, with messages that name the field at fault.
    ///
    /// - Parameters:
    ///   - data: The request body.
    ///   - defaults: Ids to use when the body has none (a WebSocket's query parameters).
    ///   - customerRequired: Whether a missing `customer_id` (with no default) is an error.
    /// - Throws: ``ServerError`` with code `bad_request`.
    public static func parse(_ data: Data, defaultCustomerId: String? = nil, defaultConversationId: String? = nil) throws -> ChatRequest {
        let fields = try jsonObject(data, fields: "customer_id and message", example: #"{"customer_id": "c-1", "message": "Hello"}"#)
        let customerId = try Self.string(fields, "customer_id", required: defaultCustomerId == nil) ?? defaultCustomerId ?? ""
        guard let message = try Self.string(fields, "message", required: true, maxLength: maxMessageLength) else {
            throw bad("field message is missing")
        }
        guard !message.allSatisfy(\.isWhitespace) else {
            throw bad("field message is empty; send the customer's text")
        }
        let conversationId = try Self.string(fields, "conversation_id", required: false) ?? defaultConversationId
        if let conversationId { try validateId(conversationId, field: "conversation_id") }
        try validateId(customerId, field: "customer_id")
        return ChatRequest(customerId: customerId, message: message, conversationId: conversationId)
    }

    static func validateId(_ id: String, field: String) throws {
        guard !id.isEmpty else { throw bad("field \(field) is empty") }
        guard id.count <= maxIdLength else { throw bad("field \(field) is longer than \(maxIdLength) characters") }
        guard id.unicodeScalars.allSatisfy({ !CharacterSet.controlCharacters.contains($0) }) else {
            throw bad("field \(field) contains control characters")
        }
    }

    /// The body as a JSON object, or a `bad_request` that says what is wrong and shows `example`.
    static func jsonObject(_ data: Data, fields: String, example: String) throws -> [String: JSONValue] {
        guard !data.isEmpty else {
            throw bad("the request body is empty; send a JSON object like \(example)")
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw bad("the request body is not valid JSON (\(Self.describeJSONSyntaxError(data))); send a JSON object like \(example)")
        }
        guard case .object(let object) = value else {
            throw bad("the request body must be a JSON object with \(fields), not \(value.kind)")
        }
        return object
    }

    /// The string field `name` of a body, checked for type and length.
    static func string(
        _ fields: [String: JSONValue], _ name: String, required: Bool, maxLength: Int = maxIdLength,
        example: String = #"{"customer_id": "c-1", "message": "Hello"}"#
    ) throws -> String? {
        guard let value = fields[name], value != .null else {
            if required { throw bad("field \(name) is missing; send \(example)") }
            return nil
        }
        guard case .string(let string) = value else {
            throw bad("field \(name) must be a string, not \(value.kind)")
        }
        guard string.count <= maxLength else {
            throw bad("field \(name) is \(string.count) characters long; the limit is \(maxLength)")
        }
        return string
    }

    static func bad(_ message: String) -> ServerError {
        ServerError(.badRequest, .badRequest, message)
    }

    /// Foundation's JSONDecoder on Linux says only "not valid JSON"; JSONSerialization says where.
    static func describeJSONSyntaxError(_ data: Data) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return "unreadable"
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            return detail.map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 } ?? "unreadable"
        }
    }
}

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
        let timings = reply.timings
        self.timingsMs = ["classify": timings.classify, "memory": timings.memory, "retrieve": timings.retrieve, "respond": timings.respond]
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

/// A ticket: `{"id", "customer_id", "opened_at", "priority", "reasons", "summary", "transcript"?}`.
public struct TicketPayload: Sendable, Equatable, Encodable {
    /// Ticket id, for `GET /v1/tickets/{id}`.
    public var id: String
    /// The customer the ticket is about.
    public var customerId: String
    /// When it was opened.
    public var openedAt: Date
    /// `low`, `normal`, `high` or `urgent`.
    public var priority: String
    /// Why the assistant escalated.
    public var reasons: [String]
    /// One-line summary for the person taking over.
    public var summary: String
    /// Present on `GET /v1/tickets/{id}`, left out of chat replies.
    public var transcript: [String]?

    /// Builds the wire shape of `ticket`.
    public init(_ ticket: Ticket, includeTranscript: Bool) {
        self.id = ticket.id
        self.customerId = ticket.customerId
        self.openedAt = ticket.openedAt
        self.priority = ticket.priority.rawValue
        self.reasons = ticket.reasons
        self.summary = ticket.summary
        self.transcript = includeTranscript ? ticket.transcript : nil
    }

    enum CodingKeys: String, CodingKey {
        case id, customerId = "customer_id", openedAt = "opened_at", priority, reasons, summary, transcript
    }
}

/// `GET /v1/customers/{id}/history`: `{"customer_id", "entries": [...]}`.
struct HistoryPayload: Encodable {
    struct Entry: Encodable {
        var text: String
        var role: String
        var intent: String?
        var category: String?
        var resolved: Bool
        var recordedAt: Date?

        enum CodingKeys: String, CodingKey { case text, role, intent, category, resolved, recordedAt = "recorded_at" }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(text, forKey: .text)
            try container.encode(role, forKey: .role)
            try container.encode(intent, forKey: .intent)
            try container.encode(category, forKey: .category)
            try container.encode(resolved, forKey: .resolved)
            try container.encode(recordedAt, forKey: .recordedAt)
        }
    }
    var customerId: String
    var entries: [Entry]

    enum CodingKeys: String, CodingKey { case customerId = "customer_id", entries }

    init(customerId: String, entries: [CustomerHistoryEntry]) {
        self.customerId = customerId
        self.entries = entries.map {
            Entry(text: $0.text, role: $0.role, intent: $0.intent, category: $0.category, resolved: $0.resolved, recordedAt: $0.recordedAt)
        }
    }
}

/// `GET /readyz`: `{"ready", "checks": [{"name", "ready", "detail"}], "deployment": {...}}`.
struct ReadinessPayload: Encodable {
    struct Check: Encodable {
        var name: String
        var ready: Bool
        var detail: String?
    }
    var ready: Bool
    var checks: [Check]
    /// What answers chats (`tool_version`, `embedder`, `classifier`, `knowledge_base`, ...).
    var deployment: [String: String]
}

enum WireJSON {
    /// The encoder for every JSON body: sorted keys (stable output), ISO 8601 dates.
    static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(value)
    }
}

