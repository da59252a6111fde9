import Foundation
import SupportKit
import SupportKitStore
import Testing
@testable import SupportKitAssistant

@Suite struct ExtractiveResponderTests {
    func hits(_ docIds: [String]) -> [KnowledgeBase.Hit] {
        docIds.enumerated().compactMap { index, docId in
            AssistantFixtures.chunks.first { $0.docId == docId }.map { KnowledgeBase.Hit(chunk: $0, score: 1 - Double(index) * 0.1, similarity: 0.5) }
        }
    }

    func context(_ message: String, intent: String = "question", category: String? = nil, hits: [KnowledgeBase.Hit], recall: CustomerMemory.Recall = .init()) -> ResponseContext {
        ResponseContext(
            customerId: "c", message: message,
            classification: Classification(intent: intent, confidence: 0.9, category: category, categoryConfidence: 0.9, classifier: "t"),
            hits: hits, recall: recall, decision: .init(reasons: [], priority: .low), ticket: nil)
    }

    @Test func quotesTheBestChunksAndCitesTitlesAndLinks() {
        let responder = ExtractiveResponder()
        let response = responder.compose(context("How long do card refunds take?", hits: hits(["billing/refund-timeline", "billing/duplicate-charges"])))
        #expect(response.text.contains("Card refunds take 5 to 10 business days to appear. [1]"))
        #expect(response.sources.first == Reply.Source(
            docId: "billing/refund-timeline", title: "Refund timeline",
            link: "https://help.example.com/billing/refund-timeline#how-long-refunds-take"))
        // The sources travel once, in `sources`: the text carries only the [n] markers.
        #expect(!response.text.contains("Sources:"))
        #expect(!response.text.contains("https://"))
        #expect(response.responder == "extractive")
        // Every quoted line comes from a retrieved chunk.
        let chunkText = AssistantFixtures.chunks.map(\.text).joined(separator: " ")
        for line in response.text.split(separator: "\n") where line.hasSuffix("[1]") || line.hasSuffix("[2]") {
            #expect(chunkText.contains(line.dropLast(4)))
        }
    }

    @Test func leadsWithTheAnsweringStepAndKeepsTheSourceOrder() {
        let chunk = AssistantFixtures.chunk(
            "orders/duplicate-order", title: "Duplicate orders", category: "orders", heading: "Duplicate orders",
            text: "Double orders happen when checkout is submitted twice. Cancel the extra order in Order history within 60 minutes. The refund for it reaches your card in 3 to 5 days. Gift orders cannot be merged.")
        let response = ExtractiveResponder().compose(context("how do I cancel the extra duplicate order?", hits: [KnowledgeBase.Hit(chunk: chunk, score: 1, similarity: 0.9)]))
        let lines = response.text.split(separator: "\n").map(String.init)
        #expect(lines.first == "Cancel the extra order in Order history within 60 minutes. [1]")
        #expect(lines.dropFirst().first == "The refund for it reaches your card in 3 to 5 days. [1]")
        #expect(!response.text.contains("Double orders happen"))
    }

    @Test func asksWhichArticleWhenRetrievalIsUnsure() {
        let close = [
            KnowledgeBase.Hit(chunk: AssistantFixtures.chunks[0], score: 1, similarity: 0.41),
            KnowledgeBase.Hit(chunk: AssistantFixtures.chunks[1], score: 0.9, similarity: 0.40),
        ]
        let unsure = ExtractiveResponder().compose(context("refund", hits: close))
        #expect(unsure.text.contains("Which one is closer to what you need?"))
        var clear = close
        clear[1].similarity = 0.2
        #expect(!ExtractiveResponder().compose(context("refund", hits: clear)).text.contains("Which one"))
    }

    @Test func saysSoWhenNothingWasFound() {
        let response = ExtractiveResponder().compose(context("zzz", hits: []))
        #expect(response.sources.isEmpty)
        #expect(response.text.contains("couldn't find an article"))
    }

    @Test func doesNotReaskWhatTheCustomerAlreadySaid() {
        let issue = CustomerMemory.Interaction(customerId: "c", text: "Order 88412 arrived broken", intent: "problem", category: "orders", resolved: false, time: Date(timeIntervalSince1970: 0))
        let withMemory = ExtractiveResponder().compose(context(
            "my order never got cancelled", intent: "problem", category: "orders", hits: hits(["orders/cancel-order"]),
            recall: .init(openIssues: [issue])))
        #expect(withMemory.text.contains("I have your order #88412 on file"))
        #expect(!withMemory.text.contains("reply with your order number"))
        #expect(withMemory.text.contains("I can see your earlier report is still open: \"Order 88412 arrived broken\""))

        let without = ExtractiveResponder().compose(context("my order never got cancelled", intent: "problem", category: "orders", hits: hits(["orders/cancel-order"])))
        #expect(without.text.contains("reply with your order number"))
    }

    @Test func splitsSentencesAndKeepsListItems() {
        #expect(ExtractiveResponder.sentences("One. Two? Three!\n- item a\n- item b") == ["One.", "Two?", "Three!", "- item a", "- item b"])
        #expect(ExtractiveResponder.orderNumber(in: "my order 5521 is late") == "#5521")
        #expect(ExtractiveResponder.orderNumber(in: "since 2024 I pay $1999") == nil)
    }
}
