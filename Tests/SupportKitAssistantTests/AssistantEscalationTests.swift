import Foundation
import SupportKit
import SupportKitStore
import SupportKitTesting
import Testing
@testable import SupportKitAssistant

@Suite struct AssistantEscalationTests {
    let classifier = KeywordClassifier([
        ("human", "escalate", 0.95, nil, 0),
        ("still", "problem", 0.9, "account", 0.9),
        ("reset link", "problem", 0.9, "account", 0.9),
        ("thanks", "feedback", 0.9, nil, 0),
    ], fallback: ("question", 0.9, nil, 0))

    @Test func repeatedUnresolvedProblemOpensATicket() async throws {
        let tickets = try TicketStore.inMemory()
        let assistant = try await AssistantFixtures.assistant(classifier: classifier, tickets: tickets)
        var state = ConversationState(conversationId: "c", customerId: "frank")
        let first = try await assistant.respond(to: "The password reset link never arrives", state: &state)
        #expect(!first.escalated)
        #expect(first.ticket == nil)
        let second = try await assistant.respond(to: "I tried again and the reset link is still missing", state: &state)
        #expect(!second.escalated)
        let third = try await assistant.respond(to: "Still no email with the reset link", state: &state)
        #expect(third.escalated)
        #expect(third.escalationReasons == ["repeated_problem: 3 unresolved reports of the same problem"])
        let ticket = try #require(third.ticket)
        #expect(ticket.id == "T-00001")
        #expect(ticket.customerId == "frank")
        #expect(ticket.priority == .high)
        #expect(ticket.transcript.count == 5)
        #expect(ticket.transcript.first == "customer: The password reset link never arrives")
        #expect(ticket.transcript.last == "customer: Still no email with the reset link")
        #expect(ticket.summary.hasPrefix("problem [account]: The password reset link never arrives"))
        #expect(third.text.contains("A person will follow up"))
        #expect(third.text.contains("T-00001"))

        // A fourth report escalates again but reuses the conversation's ticket.
        let fourth = try await assistant.respond(to: "still nothing, the reset link never comes", state: &state)
        #expect(fourth.escalated)
        #expect(fourth.ticket?.id == "T-00001")
        #expect(try await tickets.list().count == 1)

        let stored = try #require(try await tickets.ticket(id: "T-00001"))
        #expect(stored == ticket)
        #expect(try await tickets.list().map(\.id) == ["T-00001"])
        #expect(try await tickets.list(customerId: "nobody").isEmpty)
    }

    @Test func resolutionClearsTheProblemCount() async throws {
        let assistant = try await AssistantFixtures.assistant(classifier: classifier)
        var state = ConversationState(customerId: "gina")
        _ = try await assistant.respond(to: "The reset link never arrives", state: &state)
        _ = try await assistant.respond(to: "still nothing", state: &state)
        let thanks = try await assistant.respond(to: "thanks, that worked!", state: &state)
        #expect(!thanks.escalated)
        #expect(thanks.text.contains("Glad"))
        #expect(try await assistant.memory.openIssues(for: "gina").isEmpty)
        let again = try await assistant.respond(to: "still one more thing broke", state: &state)
        #expect(!again.escalated)
    }

    @Test func aConversationThatGoesOnWithoutClosingIsHandedOver() async throws {
        var configuration = AssistantFixtures.configuration
        configuration.escalation.maxCustomerMessages = 3
        let assistant = try await AssistantFixtures.assistant(classifier: classifier, configuration: configuration)
        var state = ConversationState(customerId: "lena")
        let first = try await assistant.respond(to: "How do I reset my password?", state: &state)
        let second = try await assistant.respond(to: "and how do I change my email?", state: &state)
        let third = try await assistant.respond(to: "how do I update my card?", state: &state)
        #expect(!first.escalated && !second.escalated)
        #expect(third.escalated && third.escalationReasons.contains { $0.hasPrefix("long_conversation: 3 customer messages") })
        #expect(third.ticket != nil)
    }

    @Test func askingForAHumanEscalatesAndRecordsReasons() async throws {
        let assistant = try await AssistantFixtures.assistant(classifier: classifier)
        var state = ConversationState(customerId: "hank")
        let reply = try await assistant.respond(to: "Get me a human. This is RIDICULOUS!!!", state: &state)
        #expect(reply.escalated)
        #expect(reply.escalationReasons.map { String($0.prefix { $0 != ":" }) } == ["escalate_intent", "frustration"])
        #expect(reply.ticket?.priority == .urgent)
        #expect(reply.classifier == "keyword@test")
        #expect(reply.timings.total >= 0)
    }

    @Test func noKnowledgeMatchEscalates() async throws {
        let assistant = try await AssistantFixtures.assistant(classifier: classifier)
        var state = ConversationState(customerId: "ivy")
        let reply = try await assistant.respond(to: "zxqv plorb", state: &state)
        #expect(reply.escalated)
        #expect(reply.escalationReasons.first?.hasPrefix("no_knowledge_match") == true)
    }

    @Test func ticketsPersistInSQLite() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/assistant.sqlite"
        let opened = try await TicketStore(path: path).open(customerId: "jo", priority: .urgent, reasons: ["frustration: shouting"], summary: "s", transcript: ["customer: HELP"], at: Date(timeIntervalSince1970: 1_790_000_000))
        let reopened = try TicketStore(path: path)
        #expect(try await reopened.ticket(id: opened.id) == opened)
        let next = try await reopened.open(customerId: "jo", priority: .low, reasons: [], summary: "t", transcript: [])
        #expect(next.id == "T-00002")
        #expect(try await reopened.list(customerId: "jo").map(\.id) == ["T-00002", "T-00001"])
    }
}
