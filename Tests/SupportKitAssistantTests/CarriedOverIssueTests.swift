import Foundation
import SupportKit
import SupportKitStore
import SupportKitTesting
import Testing
@testable import SupportKitAssistant

@Suite struct CarriedOverIssueTests {
    @Test func anIssueStillOpenFromAnEarlierSessionEscalatesWhenReportedAgain() async throws {
        let classifier = KeywordClassifier([("lid", "problem", 0.9, "orders", 0.9), ("email", "question", 0.9, "account", 0.9)])
        let assistant = try await AssistantFixtures.assistant(classifier: classifier)
        let factory = try SupportAssistantFactory(assistant: assistant)
        let customer = Conversation.Customer(id: "nina", history: [.init(text: "Replacement lid for order 5521 never arrived", intent: "problem", category: "orders", resolved: false)])

        let again = try await factory.makeSession(conversationId: "a", customer: customer, isolatedMemory: true)
        let reply = try await again.respond(to: "the replacement lid still hasn't come")
        #expect(reply.escalationReasons == ["repeated_problem: 3 unresolved reports of the same problem"])
        #expect(reply.text.contains("(ticket T-"))

        // The same customer asking about something else is answered, not escalated.
        let other = try await factory.makeSession(conversationId: "b", customer: customer, isolatedMemory: true)
        let unrelated = try await other.respond(to: "how do I change my email address")
        #expect(!unrelated.escalated)
        #expect(unrelated.text.contains("earlier report is still open"))
    }
}
