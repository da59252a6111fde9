import Foundation
import SupportKit
import SupportKitStore
import SupportKitTesting
import Testing
@testable import SupportKitAssistant

@Suite struct FollowUpTests {
    @Test func stillBrokenFollowUpsCountEvenWhenClassifiedAsFeedback() async throws {
        // The classifier calls the follow-ups feedback; they still report the open problem again.
        let classifier = KeywordClassifier([("arrive", "problem", 0.9, "orders", 0.9)], fallback: ("feedback", 0.8, "orders", 0.5))
        let assistant = try await AssistantFixtures.assistant(classifier: classifier)
        var state = ConversationState(customerId: "kim")
        #expect(try await !assistant.respond(to: "My package did not arrive", state: &state).escalated)
        #expect(try await !assistant.respond(to: "Checked again, the package tracking is still empty", state: &state).escalated)
        let third = try await assistant.respond(to: "Still no package at the door", state: &state)
        #expect(third.escalationReasons == ["repeated_problem: 3 unresolved reports of the same problem"])

        var calm = ConversationState(customerId: "lee")
        _ = try await assistant.respond(to: "Great service, thank you", state: &calm)
        #expect(try await !assistant.respond(to: "Another compliment for the team", state: &calm).escalated)
    }

    @Test func followUpsSearchWithThePreviousMessageAndTheLoggedAgentMessage() async throws {
        let assistant = try await AssistantFixtures.assistant(classifier: KeywordClassifier([]))
        let session = SupportSession(assistant: assistant, conversationId: "c", customerId: "max")
        #expect(assistant.retrievalQuery("How do I cancel an order?", state: await session.conversation) == "How do I cancel an order?")
        _ = try await session.respond(to: "How do I cancel an order before it ships?")
        // The assistant's own reply quotes what it found already: it is not searched with.
        #expect(assistant.retrievalQuery("and after it ships?", state: await session.conversation)
                == "and after it ships?\nHow do I cancel an order before it ships?")
        try await session.recordAgentMessage("The Northwind Kettle Pro ships in two days.")
        #expect(assistant.retrievalQuery("ok and does it have a warranty", state: await session.conversation)
                == "ok and does it have a warranty\nHow do I cancel an order before it ships?\nThe Northwind Kettle Pro ships in two days.")
    }

    @Test func withoutContextOnlyShortFollowUpsSearchWithThePreviousMessage() async throws {
        var off = AssistantFixtures.configuration
        off.context.weight = 0
        let assistant = try await AssistantFixtures.assistant(classifier: KeywordClassifier([]), configuration: off)
        var state = ConversationState(customerId: "max")
        _ = try await assistant.respond(to: "How do I cancel an order before it ships?", state: &state)
        #expect(assistant.retrievalQuery("still stuck", state: state) == "How do I cancel an order before it ships?\nstill stuck")
        #expect(assistant.retrievalQuery("How do I change the email on my account?", state: state) == "How do I change the email on my account?")
    }

    @Test func abbreviationsDoNotSplitSentences() {
        #expect(ExtractiveResponder.sentences("Orders placed by 1 p.m. ET ship the same day. Others ship next day.") == [
            "Orders placed by 1 p.m. ET ship the same day.", "Others ship next day.",
        ])
    }
}
