import Foundation
import SupportKit
import Testing
@testable import SupportKitAssistant

/// `assistant.context.method`: how the conversation enters the knowledge query.
@Suite struct ContextMethodTests {
    @Test func theMethodIsASetting() throws {
        let configuration = try AssistantConfiguration.parse(yaml: "assistant:\n  context:\n    method: prepend\n    turns: 1\n", path: "supportkit.yaml")
        #expect(configuration.context.method == .prepend)
        #expect(configuration.context.turns == 1)
        #expect(throws: InputError.self) {
            _ = try AssistantConfiguration.parse(yaml: "assistant:\n  context:\n    method: sideways\n", path: "supportkit.yaml")
        }
    }

    @Test func prependUsesCustomerAndLoggedAgentMessagesNotTheAssistantsOwnText() {
        var asked = ConversationState.Turn(message: "is there parking at the Quayside Hotel?", intent: "question", category: nil, openProblem: false, interactionId: UUID(), reply: "long quoted answer [1]", escalated: false)
        asked.sourceTitles = ["Quayside Hotel: parking"]
        var logged = ConversationState.Turn(message: "thanks, booked there", intent: "feedback", category: nil, openProblem: false, interactionId: UUID(), reply: "Quayside has a garage.", escalated: false)
        logged.replyIsLogged = true
        let query = SupportAssistant.prependedQuery("do they allow dogs?", window: [asked, logged])
        #expect(query == "is there parking at the Quayside Hotel?\nQuayside Hotel: parking\nthanks, booked there\nQuayside has a garage.\ndo they allow dogs?")
        #expect(!query.contains("long quoted answer"))
    }

    @Test func aFollowUpFindsTheArticleOfThePlaceNamedEarlier() async throws {
        var configuration = AssistantFixtures.configuration
        configuration.context.method = .prepend
        let assistant = try await AssistantFixtures.assistant(classifier: KeywordClassifier([]), configuration: configuration)
        var state = ConversationState(customerId: "ctx")
        _ = try await assistant.respond(to: "I see two charges from you for one order", state: &state)
        state.recordAgentMessage("That second duplicate charge is usually a temporary authorization hold.")
        let followUp = try await assistant.respond(to: "how many days until it disappears?", state: &state)
        #expect(followUp.retrieved.first?.docId == "billing/duplicate-charges")

        configuration.context.method = .message
        let plain = try await AssistantFixtures.assistant(classifier: KeywordClassifier([]), configuration: configuration)
        #expect(plain.retrievalQuery("how many days until it disappears?", state: state) == "how many days until it disappears?")
    }
}
