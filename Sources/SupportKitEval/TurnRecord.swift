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

    /// The record's values. Copies of a record share them until one copy changes: metrics and reports pass
    /// thousands of records around, and a copy then costs one reference count instead of one per field.
    private struct Fields: Sendable, Hashable, Codable {
        var conversationId: String
        var turnIndex: Int
        var user: String
        var expected: Conversation.Expectation
        var status: Status
        var error: String?
        var prediction: Prediction?
        var latencyMs: Double
    }

    private var box: Shared<Fields>

    /// The conversation the turn belongs to.
    public var conversationId: String {
        get { box.value.conversationId }
        set { box.value.conversationId = newValue }
    }
    /// 0-based position of the turn in its conversation.
    public var turnIndex: Int {
        get { box.value.turnIndex }
        set { box.value.turnIndex = newValue }
    }
    /// The customer's message.
    public var user: String {
        get { box.value.user }
        set { box.value.user = newValue }
    }
    /// The turn's labels.
    public var expected: Conversation.Expectation {
        get { box.value.expected }
        set { box.value.expected = newValue }
    }
    /// Whether the turn is measured.
    public var status: Status {
        get { box.value.status }
        set { box.value.status = newValue }
    }
    /// Why the turn is unmeasured, for `.error`, `.timeout` and `.unavailable`.
    public var error: String? {
        get { box.value.error }
        set { box.value.error = newValue }
    }
    /// What the assistant did; nil when the turn is unmeasured.
    public var prediction: Prediction? {
        get { box.value.prediction }
        set { box.value.prediction = newValue }
    }
    /// Wall-clock milliseconds the runner waited for the reply (end to end, as a customer would).
    public var latencyMs: Double {
        get { box.value.latencyMs }
        set { box.value.latencyMs = newValue }
    }

    /// A turn record.
    public init(
        conversationId: String, turnIndex: Int, user: String, expected: Conversation.Expectation,
        status: Status, error: String? = nil, prediction: Prediction? = nil, latencyMs: Double = 0
    ) {
        box = Shared(Fields(conversationId: conversationId, turnIndex: turnIndex, user: user, expected: expected,
                         status: status, error: error, prediction: prediction, latencyMs: latencyMs))
    }

    public init(from decoder: any Decoder) throws {
        box = Shared(try Fields(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try box.value.encode(to: encoder)
    }

    /// Whether the turn has a reply that metrics can score.
    public var isMeasured: Bool { status == .ok && prediction != nil }

    /// The expectations this turn's reply did not meet, as short phrases (`intent: expected problem, got
    /// question`); empty when every labeled expectation is met or the turn is unmeasured. Judged by
    /// `TurnCheck`, the one place every kind of expectation is checked.
    public var unmetExpectations: [String] {
        TurnCheck.results(for: self).filter { !$0.held }.map(\.detail)
    }
}

/// What the assistant produced for one turn, kept in the shape the results database stores.
public struct Prediction: Sendable, Hashable, Codable {
    /// The prediction's values, shared by copies until one changes (as in `TurnRecord`).
    private struct Fields: Sendable, Hashable, Codable {
        var intent: String
        var confidence: Double
        var category: String?
        var categoryConfidence: Double
        var rankedDocIds: [String]
        var retrieved: [RetrievedChunk]
        var escalated: Bool
        var escalationReasons: [String]
        var ticketId: String?
        var memoryRecalled: [String]
        var answer: String
        var classifier: String
        var timings: StageTimings
        var answerReview: AnswerReview?
    }

    private var box: Shared<Fields>

    /// The predicted intent.
    public var intent: String {
        get { box.value.intent }
        set { box.value.intent = newValue }
    }
    /// Calibrated probability of `intent`.
    public var confidence: Double {
        get { box.value.confidence }
        set { box.value.confidence = newValue }
    }
    /// The predicted category, if any.
    public var category: String? {
        get { box.value.category }
        set { box.value.category = newValue }
    }
    /// Probability of `category`.
    public var categoryConfidence: Double {
        get { box.value.categoryConfidence }
        set { box.value.categoryConfidence = newValue }
    }
    /// Document ids in rank order (a document ranks by its best chunk), best first.
    public var rankedDocIds: [String] {
        get { box.value.rankedDocIds }
        set { box.value.rankedDocIds = newValue }
    }
    /// Every retrieved chunk with its score, best first.
    public var retrieved: [RetrievedChunk] {
        get { box.value.retrieved }
        set { box.value.retrieved = newValue }
    }
    /// Whether the assistant handed off to a person.
    public var escalated: Bool {
        get { box.value.escalated }
        set { box.value.escalated = newValue }
    }
    /// Why it escalated.
    public var escalationReasons: [String] {
        get { box.value.escalationReasons }
        set { box.value.escalationReasons = newValue }
    }
    /// The ticket it opened, if any.
    public var ticketId: String? {
        get { box.value.ticketId }
        set { box.value.ticketId = newValue }
    }
    /// Memory items recalled for the turn.
    public var memoryRecalled: [String] {
        get { box.value.memoryRecalled }
        set { box.value.memoryRecalled = newValue }
    }
    /// The answer text shown to the customer.
    public var answer: String {
        get { box.value.answer }
        set { box.value.answer = newValue }
    }
    /// Which classifier produced the intent.
    public var classifier: String {
        get { box.value.classifier }
        set { box.value.classifier = newValue }
    }
    /// Milliseconds per stage as the assistant reported them.
    public var timings: StageTimings {
        get { box.value.timings }
        set { box.value.timings = newValue }
    }
    /// What the evaluation found in the answer text (groundedness, unsupported claims, markup, answer
    /// expectations); nil for runs recorded before answers were reviewed.
    public var answerReview: AnswerReview? {
        get { box.value.answerReview }
        set { box.value.answerReview = newValue }
    }

    /// A prediction.
    public init(
        intent: String, confidence: Double, category: String?, categoryConfidence: Double,
        rankedDocIds: [String], retrieved: [RetrievedChunk], escalated: Bool, escalationReasons: [String],
        ticketId: String?, memoryRecalled: [String], answer: String, classifier: String, timings: StageTimings
    ) {
        box = Shared(Fields(
            intent: intent, confidence: confidence, category: category, categoryConfidence: categoryConfidence,
            rankedDocIds: rankedDocIds, retrieved: retrieved, escalated: escalated, escalationReasons: escalationReasons,
            ticketId: ticketId, memoryRecalled: memoryRecalled, answer: answer, classifier: classifier, timings: timings,
            answerReview: nil))
    }

    public init(from decoder: any Decoder) throws {
        box = Shared(try Fields(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try box.value.encode(to: encoder)
    }

    /// The prediction recorded for `reply`.
    public init(_ reply: Reply) {
        self.init(
            intent: reply.intent, confidence: reply.confidence, category: reply.category,
            categoryConfidence: reply.categoryConfidence, rankedDocIds: reply.rankedDocIds,
            // Chunk texts are read once, by the answer review, and not stored with every turn.
            retrieved: reply.retrieved.map { chunk in
                var stored = chunk
                stored.text = nil
                return stored
            }, escalated: reply.escalated, escalationReasons: reply.escalationReasons,
            ticketId: reply.ticket?.id, memoryRecalled: reply.memoryRecalled, answer: reply.text,
            classifier: reply.classifier, timings: reply.timings)
    }
}

/// A value behind one shared reference: copying it is one retain however many fields the value has, and
/// setting it stores a new reference, so copies never see each other's changes.
private struct Shared<Value: Sendable & Hashable>: Sendable, Hashable {
    private final class Storage: Sendable {
        let value: Value

        init(_ value: Value) {
            self.value = value
        }
    }

    private var storage: Storage

    init(_ value: Value) {
        storage = Storage(value)
    }

    var value: Value {
        get { storage.value }
        set { storage = Storage(newValue) }
    }

    static func == (lhs: Shared, rhs: Shared) -> Bool {
        lhs.storage === rhs.storage || lhs.value == rhs.value
    }

    func hash(into hasher: inout Hasher) {
        value.hash(into: &hasher)
    }
}
