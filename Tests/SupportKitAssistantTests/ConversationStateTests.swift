import Foundation
import Testing
import SupportKit
import SupportKitStore
import Synchronization
@testable import SupportKitAssistant

@Suite struct ConversationStateTests {
    @Test func aLoggedAgentMessageTakesThePlaceOfTheReply() async throws {
        let assistant = try await AssistantFixtures.assistant(classifier: KeywordClassifier([]))
        let session = SupportSession(assistant: assistant, conversationId: "c", customerId: "rae")
        await #expect(throws: SupportKitError.self) { try await session.recordAgentMessage("Hi, how can I help?") }
        _ = try await session.respond(to: "How do I cancel an order before it ships?")
        try await session.recordAgentMessage("You can cancel it from Order history.")
        try await session.recordAgentMessage("It must not have shipped yet.")
        let state = await session.conversation
        #expect(state.turns.last?.reply == "You can cancel it from Order history.\nIt must not have shipped yet.")
        #expect(state.turns.last?.replyIsLogged == true)
        #expect(state.transcript.last == "agent: You can cancel it from Order history.\nIt must not have shipped yet.")
    }

    @Test func aggregatesFollowAppendsAndResolution() {
        var state = ConversationState(customerId: "sol")
        for index in 0..<6 {
            state.append(.init(message: "m\(index)", intent: "problem", category: nil, openProblem: index.isMultiple(of: 2), interactionId: UUID(), reply: "r", escalated: false))
        }
        #expect(state.openProblemCount == 3)
        #expect(state.interactionIds.count == 6)
        #expect(state.firstOpenProblem?.message == "m0")
        state.resolveOpenProblems()
        #expect(state.openProblemCount == 0 && state.turns.allSatisfy { !$0.openProblem })
    }

    @Test func theTicketTranscriptIsBounded() {
        var state = ConversationState(customerId: "tao")
        for index in 0..<120 {
            state.append(.init(message: "m\(index)", intent: "question", category: nil, openProblem: false, interactionId: UUID(), reply: "r\(index)", escalated: false))
        }
        let transcript = state.transcript(limit: 50)
        #expect(transcript.count == 101)
        #expect(transcript.first == "(70 earlier turns not shown)")
        #expect(transcript[1] == "customer: m70")
    }

    @Test func contextWeightingPullsAFollowUpTowardsTheEarlierTopic() async throws {
        let assistant = try await AssistantFixtures.assistant(classifier: KeywordClassifier([]))
        var state = ConversationState(customerId: "uma")
        _ = try await assistant.respond(to: "How do I cancel an order before it ships?", state: &state)
        var turn = SupportAssistant.Turn(text: "and after that?", words: LexiconText("and after that?"))
        try await assistant.buildContext(&turn, state: state)
        #expect(turn.queryVector != SupportAssistant.unit(turn.vector))
        var off = AssistantFixtures.configuration
        off.context.weight = 0
        let plain = try await AssistantFixtures.assistant(classifier: KeywordClassifier([]), configuration: off)
        var alone = SupportAssistant.Turn(text: "and after that?", words: LexiconText("and after that?"))
        try await plain.buildContext(&alone, state: state)
        #expect(alone.queryVector == alone.vector)
    }

    @Test func theCategoryIsReadInContextAndTheIntentFromTheMessage() async throws {
        let assistant = try await AssistantFixtures.assistant(classifier: TopicInContextClassifier())
        var state = ConversationState(customerId: "ivo")
        // The first message has no context: its own category stands.
        let first = try await assistant.respond(to: "Why was my card charged twice?", state: &state)
        #expect(first.category == "orders" && first.categoryConfidence == 0.6)
        let followUp = try await assistant.respond(to: "and how long does that take?", state: &state)
        #expect(followUp.category == "billing" && followUp.categoryConfidence == 0.7)
        #expect(followUp.intent == DefaultIntent.question && followUp.confidence == 0.8)
        // With context off, every message is read alone.
        var off = AssistantFixtures.configuration
        off.context.weight = 0
        let plain = try await AssistantFixtures.assistant(classifier: TopicInContextClassifier(), configuration: off)
        var alone = ConversationState(customerId: "ivo")
        _ = try await plain.respond(to: "Why was my card charged twice?", state: &alone)
        #expect(try await plain.respond(to: "and how long does that take?", state: &alone).category == "orders")
    }
}
