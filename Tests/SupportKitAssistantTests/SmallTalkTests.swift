import Foundation
import Testing
import SupportKit
import SupportKitStore
import Synchronization
@testable import SupportKitAssistant

@Suite struct SmallTalkTests {
    let smallTalk = SmallTalk()

    @Test(arguments: [
        ("hello", SmallTalk.Kind.greeting), ("hi there", .greeting), ("Good morning!", .greeting),
        ("hey, are you a bot?", .identity), ("Hello, I have a question", .opening), ("thanks so much!", .thanks),
        ("ok thanks, bye", .goodbye), ("What can you do?", .capabilities), ("Am I talking to a bot?", .identity),
    ])
    func recognizesSmallTalk(message: String, kind: SmallTalk.Kind) {
        #expect(smallTalk.kind(of: LexiconText(message)) == kind)
    }

    @Test(arguments: ["hi, I was charged twice", "hello I want to talk to a human", "thanks, that worked", "Can I talk to a real person?", "help me reset my password"])
    func aRequestIsNotSmallTalk(message: String) {
        #expect(smallTalk.kind(of: LexiconText(message)) == nil)
    }

    @Test func smallTalkIsAnsweredAndNeverEscalatesWhateverTheClassifierSays() async throws {
        let tickets = try TicketStore.inMemory()
        let assistant = try await AssistantFixtures.assistant(classifier: EscalateEverything(), tickets: tickets)
        var state = ConversationState(customerId: "sam")
        for message in ["hello", "hi there", "hey, are you a bot?", "Hello, I have a question", "thank you!", "bye"] {
            let reply = try await assistant.respond(to: message, state: &state)
            #expect(!reply.escalated, "\(message)")
            #expect(reply.ticket == nil)
            #expect(reply.smallTalk != nil)
            #expect(reply.sources.isEmpty)
        }
        #expect(state.ticket == nil)
        #expect(try await tickets.list().isEmpty)
        try await assistant.memory.prepare()
        #expect(try await assistant.memory.openIssues(for: "sam").isEmpty)
        // The same classifier still escalates a real request.
        #expect(try await assistant.respond(to: "get me a person about my refund", state: &state).escalated)
    }

    @Test func repliesFitTheKind() {
        #expect(SmallTalk.reply(to: .opening).contains("What's your question"))
        #expect(SmallTalk.reply(to: .identity).contains("automated"))
        #expect(SmallTalk.reply(to: .thanks).hasPrefix("You're welcome"))
    }
}
