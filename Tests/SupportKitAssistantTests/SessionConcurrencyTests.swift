import Foundation
import Synchronization
import SupportKit
import SupportKitStore
import Testing
@testable import SupportKitAssistant

/// Turns of one conversation run one at a time, in arrival order, whatever the timing.
@Suite struct SessionConcurrencyTests {
    let classifier = KeywordClassifier([("person", "escalate", 0.95, nil, 0)], fallback: ("question", 0.9, nil, 0))

    @Test func sixteenConcurrentTurnsOpenOneTicketAndKeepEveryTurn() async throws {
        let tickets = try TicketStore.inMemory()
        let memoryStore = InMemoryVectorStore()
        let assistant = try await AssistantFixtures.assistant(classifier: classifier, memoryStore: memoryStore, tickets: tickets)
        let session = SupportSession(assistant: assistant, conversationId: "conv-1", customerId: "racer")
        let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
            for index in 0..<16 {
                group.addTask { try await session.respond(to: "Let me talk to a person now, message \(index)") }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(replies.count == 16)
        #expect(replies.allSatisfy { $0.escalated })
        let ticketIds = Set(replies.compactMap { $0.ticket?.id })
        #expect(ticketIds == ["T-00001"])
        #expect(try await tickets.list().count == 1)
        let conversation = await session.conversation
        #expect(conversation.turns.count == 16)
        #expect(Set(conversation.turns.map(\.message)).count == 16)
        #expect(try await assistant.memory.interactions(for: "racer").count == 16)
    }

    @Test func theTicketStoreOpensOneTicketPerConversation() async throws {
        let tickets = try TicketStore.inMemory()
        let first = try await tickets.open(customerId: "a", conversationId: "c", priority: .high, reasons: [], summary: "one", transcript: [])
        let again = try await tickets.open(customerId: "a", conversationId: "c", priority: .urgent, reasons: [], summary: "two", transcript: [])
        let otherCustomer = try await tickets.open(customerId: "b", conversationId: "c", priority: .high, reasons: [], summary: "three", transcript: [])
        #expect(again.id == first.id && again.summary == "one")
        #expect(otherCustomer.id != first.id)
        #expect(try await tickets.list().count == 2)
    }

    @Test func aCancelledTurnLeavesTheConversationAsItWas() async throws {
        let tickets = try TicketStore.inMemory()
        let assistant = try await AssistantFixtures.assistant(classifier: classifier, tickets: tickets)
        let session = SupportSession(assistant: assistant, conversationId: "conv-2", customerId: "quitter")
        _ = try await session.respond(to: "How do refunds work?")
        let cancelled = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await session.respond(to: "Get me a person")
        }
        await #expect(throws: CancellationError.self) { _ = try await cancelled.value }
        #expect(await session.conversation.turns.map(\.message) == ["How do refunds work?"])
        #expect(try await tickets.list().isEmpty)
        #expect(try await assistant.memory.interactions(for: "quitter").count == 1)
    }
}
