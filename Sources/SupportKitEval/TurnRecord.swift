import Foundation
import SupportKit

/// The recorded outcome of one evaluated turn: what was asked, what was expected, what the assistant did.
///
/// This is the unit the results database stores and every metric is computed from, so reports and
/// comparisons can be rebuilt from the database without replaying anything.
public struct TurnRecord: Sendable, Hashable, Codable {
    /// Whether the assistant produced a reply that can be scored.
    public enum Status: String, Sendable, Hashable, Codable {
        /// A reply was recorded; the turn counts in every metric it is labeled for.
        case ok
        /// The session or the turn threw; the turn is unmeasured (neither pass nor fail).
        case error
        /// The turn did not finish within the per-turn timeout; unmeasured.
        case timeout
        /// The assistant (its server, store or model service) could not be reached; unmeasured, the run stays
        /// incomplete and `--resume` replays the conversation.
        case unavailable
    }

    /// The conversation the turn belongs to.
    public var conversationId: String
    /// 0-based position of the turn in its conversation.
    public var turnIndex: Int
    /// The customer's message.
    public var user: String
    /// The turn's labels.
    public var expected: Conversation.Expectation
    /// Whether the turn is measured.
    public var status: Status
    /// Why the turn is unmeasured, for `.error`, `.timeout` and `.unavailable`.
    public var error: String?
    /// What the assistant did; nil when the turn is unmeasured.
    public var prediction: Prediction?
    /// Wall-clock milliseconds the runner waited for the reply (end to end, as a customer would).
    public var latencyMs: Double

    /// A turn record.
    public init(
        conversationId: String, turnIndex: Int, user: String, expected: Conversation.Expectation,
        status: Status, error: String? = nil, prediction: Prediction? = nil, latencyMs: Double = 0
    ) {
        self.conversationId = conversationId
        self.turnIndex = turnIndex
        self.user = user
        self.expected = expected
        self.status = status
        self.error = error
        self.prediction = prediction
        self.latencyMs = latencyMs
    }

    /// Whether the turn has a reply that metrics can score.
    public var isMeasured: Bool { status == .ok && prediction != nil }

    /// The expectations this turn's reply did not meet, as short phrases (`intent: expected problem, got
    /// question`); empty when every labeled expectation is met or the turn is unmeasured.
    ///
    /// A `docs` expectation is met when at least one expected document is in the top 5 (the headline
    /// `hit@5`), so a turn's pass/fail agrees with the report's retrieval headline.
    public var unmetExpectations: [String] {
        guard let prediction, status == .ok else { return [] }
        var unmet: [String] = []
        if let intent = expected.intent, intent != prediction.intent {
            unmet.append("intent: expected \(intent), got \(prediction.intent)")
        }
        if let category = expected.category, category != prediction.category {
            unmet.append("category: expected \(category), got \(prediction.category ?? "none")")
        }
        if let docs = expected.docs, !docs.isEmpty {
            let top = Set(prediction.rankedDocIds.prefix(5))
            if !docs.contains(where: top.contains) {
                let got = prediction.rankedDocIds.prefix(5).joined(separator: ", ")
                unmet.append("docs: none of [\(docs.joined(separator: ", "))] in top 5 [\(got)]")
            }
        }
        if let escalate = expected.escalate, escalate != prediction.escalated {
            unmet.append("escalate: expected \(escalate), got \(prediction.escalated)")
        }
        return unmet
    }
}

/// What the assistant produced for one turn, kept in the shape the results database stores.
public struct Prediction: Sendable, Hashable, Codable {
    /// The predicted intent.
    public var intent: String
    /// Calibrated probability of `intent`.
    public var confidence: Double
    /// The predicted category, if any.
    public var category: String?
    /// Probability of `category`.
    public var categoryConfidence: Double
    /// Document ids in rank order (a document ranks by its best chunk), best first.
    public var rankedDocIds: [String]
    /// Every retrieved chunk with its score, best first.
    public var retrieved: [RetrievedChunk]
    /// Whether the assistant handed off to a person.
    public var escalated: Bool
    /// Why it escalated.
    public var escalationReasons: [String]
    /// The ticket it opened, if any.
    public var ticketId: String?
    /// Memory items recalled for the turn.
    public var memoryRecalled: [String]
    /// The answer text shown to the customer.
    public var answer: String
    /// Which classifier produced the intent.
    public var classifier: String
    /// Milliseconds per stage as the assistant reported them.
    public var timings: StageTimings

    /// A prediction.
    public init(
        intent: String, confidence: Double, category: String?, categoryConfidence: Double,
        rankedDocIds: [String], retrieved: [RetrievedChunk], escalated: Bool, escalationReasons: [String],
        ticketId: String?, memoryRecalled: [String], answer: String, classifier: String, timings: StageTimings
    ) {
        self.intent = intent
        self.confidence = confidence
        self.category = category
        self.categoryConfidence = categoryConfidence
        self.rankedDocIds = rankedDocIds
        self.retrieved = retrieved
        self.escalated = escalated
        self.escalationReasons = escalationReasons
        self.ticketId = ticketId
        self.memoryRecalled = memoryRecalled
        self.answer = answer
        self.classifier = classifier
        self.timings = timings
    }

    /// The prediction recorded for `reply`.
    public init(_ reply: Reply) {
        self.init(
            intent: reply.intent, confidence: reply.confidence, category: reply.category,
            categoryConfidence: reply.categoryConfidence, rankedDocIds: reply.rankedDocIds,
            retrieved: reply.retrieved, escalated: reply.escalated, escalationReasons: reply.escalationReasons,
            ticketId: reply.ticket?.id, memoryRecalled: reply.memoryRecalled, answer: reply.text,
            classifier: reply.classifier, timings: reply.timings)
    }
}
