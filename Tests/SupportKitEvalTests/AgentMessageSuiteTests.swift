import Foundation
import Testing
import SupportKit
import SupportKitTesting
@testable import SupportKitEval

@Suite struct AgentMessageSuiteTests {
    let loader = SuiteLoader(configuration: .init(knownDocIds: ["orders/cancel-order"]))

    @Test func agentEntriesFollowTheCustomerTurnTheyAnswer() throws {
        let yaml = """
        - id: logged-01
          customer: {id: c1}
          turns:
            - user: "I ordered the wrong blender"
              expect: {intent: question, docs: [orders/cancel-order]}
            - agent: "You can cancel it from Order history."
            - agent: "It must not have shipped yet."
            - user: "and if it already left?"
              expect: {intent: question}
            - agent: "Then start a return once it arrives."
        """
        let result = loader.load(sources: [("evals/logged.yaml", yaml)])
        #expect(result.errors.isEmpty)
        let conversation = try #require(result.suite.conversations.first)
        #expect(conversation.turns.map(\.user) == ["I ordered the wrong blender", "and if it already left?"])
        #expect(conversation.turns[0].agentMessages == ["You can cancel it from Order history.", "It must not have shipped yet."])
        #expect(conversation.turns[1].agentMessages == ["Then start a return once it arrives."])
        #expect(conversation.turns[1].location?.line == 8)
    }

    @Test func anAgentMessageBeforeTheFirstCustomerMessageIsAnError() {
        let yaml = """
        - id: logged-02
          turns:
            - agent: "Hi, how can I help?"
            - user: "I ordered the wrong blender"
        """
        let result = loader.load(sources: [("evals/logged.yaml", yaml)])
        #expect(result.suite.conversations.isEmpty)
        #expect(result.errors.map(\.description) == [
            "evals/logged.yaml:3:14: turns[0].agent: an agent message before the first customer message; start the conversation with a \"- user:\" entry; an agent message stands in for the reply to the customer message before it",
        ])
    }

    @Test func anEntryWithBothUserAndAgentIsAnError() {
        let yaml = """
        - id: logged-03
          turns:
            - user: "I ordered the wrong blender"
              agent: "Cancel it from Order history."
        """
        let errors = loader.load(sources: [("evals/logged.yaml", yaml)]).errors
        #expect(errors.map(\.description) == [
            "evals/logged.yaml:4:14: turns[0].agent: an entry holds both a user and an agent message; split it into two entries: \"- user: ...\" for the customer, then \"- agent: ...\" for what the agent answered",
        ])
    }

    @Test func anAgentMessageTakesNoExpectation() {
        let yaml = """
        - id: logged-04
          turns:
            - user: "I ordered the wrong blender"
            - agent: "Cancel it from Order history."
              expect: {intent: question}
        """
        let errors = loader.load(sources: [("evals/logged.yaml", yaml)]).errors
        #expect(errors.count == 1)
        #expect(errors.first?.field == "turns[1].expect")
        #expect(errors.first?.location.line == 5)
        #expect(errors.first?.remedy == "move the expect to the customer turn it belongs to")
    }

    @Test func jsonlTakesAgentEntriesToo() throws {
        let line = #"{"id": "j1", "turns": [{"user": "hi, I ordered the wrong blender"}, {"agent": "Cancel it in Order history."}, {"user": "and if it shipped?"}]}"#
        let result = loader.load(sources: [("evals/logged.jsonl", line)])
        #expect(result.errors.isEmpty)
        #expect(result.suite.conversations.first?.turns.first?.agentMessages == ["Cancel it in Order history."])
    }

    @Test func aTurnRecordedBeforeAgentMessagesStillDecodes() throws {
        let json = #"{"user": "hello", "expect": {}}"#
        let turn = try JSONDecoder().decode(Conversation.Turn.self, from: Data(json.utf8))
        #expect(turn.agentMessages.isEmpty)
    }
}
