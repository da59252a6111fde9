import Foundation
import Testing
import SupportKit
import SupportKitStore
import Synchronization
@testable import SupportKitAssistant

@Suite struct OutOfScopeRoutingTests {
    @Test func aFollowUpIsInScopeWhenItsConversationIs() async throws {
        let assistant = try await AssistantFixtures.assistant(classifier: ScopedInContextClassifier())
        var state = ConversationState(customerId: "terse")
        // The first message has no context: its own score decides.
        let first = try await assistant.respond(to: "I want to cancel my order 5521", state: &state)
        #expect(first.outOfScope == true && first.outOfScopeScore == 0.999)
        // A terse follow-up is read with the conversation: the lower of the two scores stands.
        let followUp = try await assistant.respond(to: "just the order! not my plus membership", state: &state)
        #expect(followUp.outOfScopeScore == 0.5)
        #expect(followUp.outOfScope != true)
    }

    @Test func declineSaysSoAndOffersAPersonWithoutATicket() async throws {
        let assistant = try await AssistantFixtures.assistant(classifier: ScopedClassifier())
        var state = ConversationState(customerId: "ola")
        let reply = try await assistant.respond(to: "what is the weather like outside in Lisbon", state: &state)
        #expect(reply.outOfScope == true)
        #expect(reply.outOfScopeScore == 0.995)
        #expect(!reply.escalated)
        #expect(reply.text == SupportAssistant.outOfScopeAnswer)
        #expect(reply.escalationReasons.isEmpty)   // low confidence and no knowledge match give way to the decline
        // Saying yes to the offer hands off.
        let yes = try await assistant.respond(to: "yes please", state: &state)
        #expect(yes.escalated)
        #expect(yes.ticket != nil)
        #expect(yes.escalationReasons.contains("escalate_intent: the customer accepted the offer of a person"))
    }

    /// One turn through an assistant whose out-of-scope action is `action`.
    func reply(_ message: String, action: AssistantConfiguration.OutOfScope.Action) async throws -> Reply {
        var configuration = AssistantFixtures.configuration
        configuration.outOfScope.action = action
        let assistant = try await AssistantFixtures.assistant(classifier: ScopedClassifier(), configuration: configuration)
        var state = ConversationState(customerId: "pat")
        return try await assistant.respond(to: message, state: &state)
    }

    @Test func handoffOpensATicketWithTheReason() async throws {
        let reply = try await reply("book me a table outside tonight", action: .handoff)
        #expect(reply.escalated)
        #expect(reply.escalationReasons.first?.hasPrefix("out_of_scope: no intent covers this message (score ") == true)
    }

    @Test func offReportsTheScoreOnly() async throws {
        let reply = try await reply("what is the weather like outside", action: .off)
        #expect(reply.outOfScope == false)
        #expect(reply.outOfScopeScore == 0.995)
        #expect(reply.text != SupportAssistant.outOfScopeAnswer)
    }

    @Test func aReplyWithoutTheNewFieldsStillDecodes() throws {
        let reply = Reply(text: "t", intent: "question", confidence: 1, category: nil, categoryConfidence: 0, sources: [], retrieved: [], escalated: false, escalationReasons: [], ticket: nil, memoryRecalled: [], classifier: "c", timings: .init())
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(reply)) as? [String: Any] ?? [:]
        json.removeValue(forKey: "outOfScopeScore")
        let decoded = try JSONDecoder().decode(Reply.self, from: JSONSerialization.data(withJSONObject: json))
        #expect(decoded.outOfScopeScore == nil && decoded.text == "t")
    }

    @Test func percentilesAndThresholds() {
        let quantiles = OutOfScopeDetector.quantiles((0..<1000).map { Double($0) / 1000 })
        #expect(quantiles.count == 101)
        #expect(abs(OutOfScopeDetector.percentile(0.5, in: quantiles) - 0.5) < 0.01)
        #expect(OutOfScopeDetector.percentile(-1, in: quantiles) == 0)
        let scores = (0..<100).map { Double($0) / 100 }
        let threshold = ClassifierTrainer.threshold(scores: scores, rejecting: 0.05)
        #expect(scores.filter { $0 >= threshold }.count == 5)
    }
}
