import Foundation
import GRDB
import SupportKit

/// One row of the `turns` table as read, before its JSON columns are decoded.
///
/// Reading copies the columns by position (no name lookups) inside the read transaction; decoding, which is
/// most of the cost for a large run, happens after it, on any thread.
struct StoredTurn: Sendable {
    /// The columns read, in the order the initializer takes them.
    static let columns = """
        t.conversation_id, t.turn_index, t.user_text, t.expected_intent, t.expected_category, t.expected_docs,
        t.expected_escalate, t.status, t.error, t.predicted_intent, t.confidence, t.predicted_category,
        t.category_confidence, t.ranked_docs, t.retrieved, t.escalated, t.escalation_reasons, t.ticket_id,
        t.memory_recalled, t.answer, t.classifier, t.latency_ms, t.classify_ms, t.memory_ms, t.retrieve_ms,
        t.respond_ms, t.answer_review
        """

    var conversationId: String
    var turnIndex: Int
    var user: String
    var expectedIntent: String?
    var expectedCategory: String?
    var expectedDocs: String?
    var expectedEscalate: Bool?
    var status: String
    var error: String?
    var predictedIntent: String?
    var confidence: Double?
    var predictedCategory: String?
    var categoryConfidence: Double?
    var rankedDocs: String?
    var retrieved: String?
    var escalated: Bool?
    var escalationReasons: String?
    var ticketId: String?
    var memoryRecalled: String?
    var answer: String?
    var classifier: String?
    var latencyMs: Double
    var timings: [Double?]
    var answerReview: String?

    /// The row's values, by position in `columns`.
    init(_ row: Row) {
        conversationId = row[0]
        turnIndex = row[1]
        user = row[2]
        expectedIntent = row[3]
        expectedCategory = row[4]
        expectedDocs = row[5]
        expectedEscalate = row[6]
        status = row[7]
        error = row[8]
        predictedIntent = row[9]
        confidence = row[10]
        predictedCategory = row[11]
        categoryConfidence = row[12]
        rankedDocs = row[13]
        retrieved = row[14]
        escalated = row[15]
        escalationReasons = row[16]
        ticketId = row[17]
        memoryRecalled = row[18]
        answer = row[19]
        classifier = row[20]
        latencyMs = row[21]
        timings = (22...25).map { row[$0] }
        answerReview = row[26]
    }

    /// The turn, with its JSON columns decoded.
    func record() -> TurnRecord {
        let expected = Conversation.Expectation(
            intent: expectedIntent, category: expectedCategory, docs: Self.strings(expectedDocs),
            escalate: expectedEscalate)
        var prediction: Prediction?
        if let predictedIntent {
            prediction = Prediction(
                intent: predictedIntent, confidence: confidence ?? 0, category: predictedCategory,
                categoryConfidence: categoryConfidence ?? 0, rankedDocIds: Self.strings(rankedDocs) ?? [],
                retrieved: Self.chunks(retrieved) ?? [], escalated: escalated ?? false,
                escalationReasons: Self.strings(escalationReasons) ?? [], ticketId: ticketId,
                memoryRecalled: Self.strings(memoryRecalled) ?? [], answer: answer ?? "", classifier: classifier ?? "",
                timings: StageTimings(classify: timings[0] ?? 0, memory: timings[1] ?? 0, retrieve: timings[2] ?? 0,
                                      respond: timings[3] ?? 0))
            prediction?.answerReview = answerReview.flatMap { ResultsStore.decode(AnswerReview.self, $0) }
        }
        return TurnRecord(
            conversationId: conversationId, turnIndex: turnIndex, user: user, expected: expected,
            status: TurnRecord.Status(rawValue: status) ?? .error, error: error, prediction: prediction,
            latencyMs: latencyMs)
    }

    /// A JSON array of strings, read directly when it is in the store's compact form.
    static func strings(_ text: String?) -> [String]? {
        guard let text else { return nil }
        return CompactJSON.strings(text) ?? ResultsStore.decode([String].self, text)
    }

    /// The retrieved chunks, read directly when they are in the store's compact form.
    static func chunks(_ text: String?) -> [RetrievedChunk]? {
        guard let text else { return nil }
        return CompactJSON.retrievedChunks(text) ?? ResultsStore.decode([RetrievedChunk].self, text)
    }
}
