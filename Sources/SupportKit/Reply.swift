import Foundation

/// What the assistant returns for one customer message.
public struct Reply: Sendable, Hashable, Codable {
    public var text: String
    public var intent: String
    /// Calibrated probability of `intent`.
    public var confidence: Double
    public var category: String?
    public var categoryConfidence: Double
    /// The documents cited in the answer, best first.
    public var sources: [Source]
    /// Every chunk retrieval returned, best first (what retrieval metrics score).
    public var retrieved: [RetrievedChunk]
    public var escalated: Bool
    public var escalationReasons: [String]
    public var ticket: Ticket?
    /// Memory items recalled for this turn (past interactions, open issues, preferences).
    public var memoryRecalled: [String]
    /// Which classifier produced the intent, e.g. `logreg@1:9f2c…` or `llm:gpt-4o-mini (fallback: local)`.
    public var classifier: String
    /// Milliseconds per stage: classify, memory, retrieve, respond.
    public var timings: StageTimings
    /// How unlike every intent the message is, 0 to 1 (nil when the classifier has no out-of-scope detector).
    public var outOfScopeScore: Double?
    /// Whether the message was taken as out of scope (the score reached the calibrated threshold).
    public var outOfScope: Bool?
    /// The kind of small talk the message was (`greeting`, `thanks`, ...), answered without retrieval or escalation.
    public var smallTalk: String?

    public init(
        text: String, intent: String, confidence: Double, category: String?, categoryConfidence: Double,
        sources: [Source], retrieved: [RetrievedChunk], escalated: Bool, escalationReasons: [String],
        ticket: Ticket?, memoryRecalled: [String], classifier: String, timings: StageTimings,
        outOfScopeScore: Double? = nil, outOfScope: Bool? = nil, smallTalk: String? = nil
    ) {
        self.outOfScopeScore = outOfScopeScore
        self.outOfScope = outOfScope
        self.smallTalk = smallTalk
        self.text = text
        self.intent = intent
        self.confidence = confidence
        self.category = category
        self.categoryConfidence = categoryConfidence
        self.sources = sources
        self.retrieved = retrieved
        self.escalated = escalated
        self.escalationReasons = escalationReasons
        self.ticket = ticket
        self.memoryRecalled = memoryRecalled
        self.classifier = classifier
        self.timings = timings
    }

    /// A cited document.
    public struct Source: Sendable, Hashable, Codable {
        public var docId: String
        public var title: String
        public var link: String

        public init(docId: String, title: String, link: String) {
            self.docId = docId
            self.title = title
            self.link = link
        }
    }

    /// Distinct document ids of `retrieved`, in rank order (a document ranks by its best chunk).
    public var rankedDocIds: [String] {
        var seen = Set<String>()
        return retrieved.compactMap { seen.insert($0.docId).inserted ? $0.docId : nil }
    }
}

/// One retrieved chunk with its score.
public struct RetrievedChunk: Sendable, Hashable, Codable {
    public var chunkId: UUID
    public var docId: String
    public var title: String
    public var headingPath: String
    /// The score the chunk was ranked by (for hybrid search a reciprocal-rank-fusion score, meaningful only as
    /// an order).
    public var score: Double
    /// Cosine similarity of the chunk to the query (nil when only full-text search found it, or the record
    /// predates it): the number a reader can judge.
    public var similarity: Double?
    /// The chunk's text, what the answer may rely on (the groundedness check reads it); nil when the source did
    /// not give it. Evaluation does not store it.
    public var text: String?

    public init(chunkId: UUID, docId: String, title: String, headingPath: String, score: Double, similarity: Double? = nil,
                text: String? = nil) {
        self.chunkId = chunkId
        self.docId = docId
        self.title = title
        self.headingPath = headingPath
        self.score = score
        self.similarity = similarity
        self.text = text
    }
}

/// Milliseconds spent per stage of a turn.
public struct StageTimings: Sendable, Hashable, Codable {
    public var classify: Double
    public var memory: Double
    public var retrieve: Double
    public var respond: Double

    public init(classify: Double = 0, memory: Double = 0, retrieve: Double = 0, respond: Double = 0) {
        self.classify = classify
        self.memory = memory
        self.retrieve = retrieve
        self.respond = respond
    }

    public var total: Double { classify + memory + retrieve + respond }

    /// The stages in pipeline order, by the names `timings_ms` objects, the server's wire format and the latency
    /// report use.
    public static let stages: [(name: String, value: @Sendable (StageTimings) -> Double)] = [
        ("classify", { $0.classify }), ("memory", { $0.memory }), ("retrieve", { $0.retrieve }), ("respond", { $0.respond }),
    ]

    /// Milliseconds by stage name (`timings_ms`).
    public var byStage: [String: Double] {
        Dictionary(uniqueKeysWithValues: Self.stages.map { ($0.name, $0.value(self)) })
    }

    /// Timings from milliseconds by stage name; a stage that is missing took 0.
    public init(byStage milliseconds: [String: Double]) {
        self.init(
            classify: milliseconds["classify"] ?? 0, memory: milliseconds["memory"] ?? 0, retrieve: milliseconds["retrieve"] ?? 0,
            respond: milliseconds["respond"] ?? 0)
    }
}

/// A hand-off to a person.
public struct Ticket: Sendable, Hashable, Codable {
    public enum Priority: String, Sendable, Codable, CaseIterable {
        case low, normal, high, urgent
    }

    public var id: String
    public var customerId: String
    public var openedAt: Date
    public var priority: Priority
    public var reasons: [String]
    public var summary: String
    /// The conversation so far, oldest first, as `customer: …` / `assistant: …` lines.
    public var transcript: [String]

    public init(
        id: String, customerId: String, openedAt: Date, priority: Priority, reasons: [String], summary: String,
        transcript: [String]
    ) {
        self.id = id
        self.customerId = customerId
        self.openedAt = openedAt
        self.priority = priority
        self.reasons = reasons
        self.summary = summary
        self.transcript = transcript
    }
}
