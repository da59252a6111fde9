import Foundation
import Testing
import SupportKit
import SupportKitTesting
@testable import SupportKitAssistant

/// One golden file per command's `--json` result (search, ask, tickets list/show, train).
/// `SUPPORTKIT_RECORD_GOLDEN=1` re-records them.
@Suite struct AssistantOutputGoldenTests {
    func expectGolden<Value: Encodable>(_ value: Value, _ name: String) throws {
        let (actual, golden) = try GoldenFile.json(value, named: name, bundle: .module)
        #expect(actual == golden, "\(name) changed; re-record with SUPPORTKIT_RECORD_GOLDEN=1 after an intended change")
    }

    static let ticket = Ticket(
        id: "T-00001", customerId: "cust-1042", openedAt: Date(timeIntervalSince1970: 1_795_568_400), priority: .high,
        reasons: ["customer asked for a person"], summary: "Charged twice for order 5521",
        transcript: ["customer: I was charged twice", "assistant: I'm sorry about that."])

    @Test func searchJSON() throws {
        let chunks = AssistantFixtures.chunks.prefix(2)
        let hits = chunks.enumerated().map { KnowledgeBase.Hit(chunk: $1, score: 0.8123456 - Double($0) / 10, similarity: 0.7) }
        let output = SearchOutput(Array(hits))
        try expectGolden(output, "search.json")
        #expect(output.results.first?.score == 0.8123)
    }

    @Test func askJSON() throws {
        let reply = Reply(
            text: "A duplicate charge is usually a temporary hold.", intent: "problem", confidence: 0.91, category: "billing",
            categoryConfidence: 0.88, sources: [Reply.Source(docId: "billing/duplicate-charges", title: "Duplicate charges", link: "https://help.example.com/billing/duplicate-charges")],
            retrieved: [], escalated: true, escalationReasons: ["customer asked for a person"], ticket: Self.ticket,
            memoryRecalled: ["open issue: refund for order 5521"], classifier: "logreg@1:abc",
            timings: StageTimings(classify: 1.5, memory: 2, retrieve: 3.25, respond: 0.5))
        try expectGolden(ReplyOutput(reply), "ask.json")
    }

    @Test func askJSONSaysWhatDecidedTheReply() throws {
        var greeting = Reply(text: "Hi! How can I help?", intent: "escalate", confidence: 0.82, category: nil, categoryConfidence: 0,
                             sources: [], retrieved: [], escalated: false, escalationReasons: [], ticket: nil, memoryRecalled: [],
                             classifier: "logreg@1:abc", timings: StageTimings(classify: 1, memory: 0, retrieve: 0, respond: 0))
        greeting.smallTalk = "greeting"
        let object = try JSONSerialization.jsonObject(with: ResultJSON.encode(ReplyOutput(greeting))) as? [String: Any]
        #expect(object?["small_talk"] as? String == "greeting")
        #expect(object?["out_of_scope"] is NSNull)

        var offTopic = greeting
        offTopic.smallTalk = nil
        offTopic.outOfScope = true
        offTopic.outOfScopeScore = 0.997
        let other = try JSONSerialization.jsonObject(with: ResultJSON.encode(ReplyOutput(offTopic))) as? [String: Any]
        #expect(other?["small_talk"] is NSNull)
        #expect(other?["out_of_scope"] as? Bool == true)
        #expect(other?["out_of_scope_score"] as? Double == 0.997)
    }

    @Test func ticketsListAndShowJSON() throws {
        try expectGolden(TicketListOutput([Self.ticket]), "tickets-list.json")
        try expectGolden(TicketOutput(Self.ticket), "tickets-show.json")
    }

    @Test func trainJSON() throws {
        var intents = TrainingReport.Head(
            name: "intents", source: "corpora/intents.yaml", examples: 266, classes: 5, counts: ["problem": 60], crossValidationAccuracy: 0.883,
            folds: 5, calibrationError: 0.031, temperature: 1.2, iterations: 40, warnings: ["escalate has 9 examples; add more"])
        intents.selective = [TrainingReport.SelectiveAccuracy(threshold: 0.5, coverage: 0.9, accuracy: 0.91)]
        let report = TrainingReport(intents: intents, categories: nil, embedSeconds: 1.5, fitSeconds: 0.25, l2: 0.001)
        try expectGolden(TrainOutput(classifier: "logreg@1:abc", path: ".supportkit/classifier.json", embedder: "lexical@1/512", report: report), "train.json")
    }
}
