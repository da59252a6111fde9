import Foundation
import SupportKit
import SupportKitStore
import SupportKitTesting
import Testing
@testable import SupportKitAssistant

@Suite struct RepeatClaimTests {
    @Test func sayingItIsTheThirdTimeEscalatesAtOnce() async throws {
        let classifier = KeywordClassifier([("charge", "problem", 0.9, "billing", 0.9)])
        let assistant = try await AssistantFixtures.assistant(classifier: classifier)
        var state = ConversationState(customerId: "omar")
        let reply = try await assistant.respond(to: "This is the third time I'm writing about the same double charge", state: &state)
        #expect(reply.escalationReasons.first?.hasPrefix("repeated_problem") == true)
    }

    @Test func resolutionIsHeardEvenWhenTheIntentIsMisread() async throws {
        let classifier = KeywordClassifier([("charge", "problem", 0.9, "billing", 0.9), ("went through", "problem", 0.6, "billing", 0.9)])
        let assistant = try await AssistantFixtures.assistant(classifier: classifier)
        var state = ConversationState(customerId: "pia")
        _ = try await assistant.respond(to: "the charge on my card failed", state: &state)
        _ = try await assistant.respond(to: "the charge failed again", state: &state)
        let thanks = try await assistant.respond(to: "approved it in my banking app and it went through, merci!", state: &state)
        #expect(!thanks.escalated)
        #expect(try await assistant.memory.openIssues(for: "pia").isEmpty)
    }
}
