import SupportKit
import SupportKitEval

/// A reply with the given prediction and retrieved documents (one chunk each, scores descending).
public func makeReply(
    intent: String, confidence: Double = 0.9, category: String? = "billing", docs: [String] = [],
    escalated: Bool = false, timings: StageTimings = StageTimings(classify: 1, memory: 2, retrieve: 3, respond: 4),
    title: String = "Article", answer: String = "Here is how."
) -> Reply {
    let retrieved = docs.enumerated().map { index, doc in
        RetrievedChunk(chunkId: Chunk.makeID(docId: doc, headingPath: [title], position: 0), docId: doc, title: title,
                       headingPath: "\(title) > Section", score: 0.9 - Double(index) * 0.1)
    }
    return Reply(
        text: answer, intent: intent, confidence: confidence, category: category, categoryConfidence: 0.8, sources: [],
        retrieved: retrieved, escalated: escalated, escalationReasons: escalated ? ["customer asked for a person"] : [],
        ticket: nil, memoryRecalled: [], classifier: "fake", timings: timings)
}

/// A measured turn record for metric tests.
public func makeRecord(
    _ conversation: String, _ index: Int, intent: String? = nil, predicted: String = "question", confidence: Double = 0.9,
    category: String? = nil, predictedCategory: String? = nil, docs: [String]? = nil, ranked: [String] = [],
    escalate: Bool? = nil, escalated: Bool = false, latency: Double = 100, status: TurnRecord.Status = .ok,
    user: String = "message"
) -> TurnRecord {
    let prediction = status == .ok ? Prediction(
        intent: predicted, confidence: confidence, category: predictedCategory, categoryConfidence: 0.5,
        rankedDocIds: ranked, retrieved: [], escalated: escalated, escalationReasons: [], ticketId: nil, memoryRecalled: [],
        answer: "answer", classifier: "fake", timings: StageTimings(classify: latency / 4, memory: latency / 4, retrieve: latency / 4, respond: latency / 4)) : nil
    return TurnRecord(
        conversationId: conversation, turnIndex: index, user: user,
        expected: Conversation.Expectation(intent: intent, category: category, docs: docs, escalate: escalate),
        status: status, error: status == .ok ? nil : "boom", prediction: prediction, latencyMs: latency)
}
