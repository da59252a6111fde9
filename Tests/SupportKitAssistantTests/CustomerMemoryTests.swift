import Foundation
import SupportKit
import SupportKitStore
import Testing
@testable import SupportKitAssistant

@Suite struct CustomerMemoryTests {
    func memory(_ store: InMemoryVectorStore = InMemoryVectorStore(), limit: Int = 200) async throws -> CustomerMemory {
        var configuration = AssistantConfiguration.Memory()
        configuration.maxInteractionsPerCustomer = limit
        configuration.minRecallScore = 0.05
        let memory = CustomerMemory(store: store, embedder: AssistantFixtures.embedder, configuration: configuration)
        try await memory.prepare()
        return memory
    }

    func interaction(_ customer: String, _ text: String, category: String? = nil, resolved: Bool = true, at seconds: Double) -> CustomerMemory.Interaction {
        .init(customerId: customer, text: text, intent: resolved ? "question" : "problem", category: category, resolved: resolved, time: Date(timeIntervalSince1970: seconds))
    }

    @Test func recallsRelevantInteractionsAndEveryOpenIssue() async throws {
        let memory = try await memory()
        try await memory.remember(interaction("alice", "Refund requested for order 5521", category: "billing", resolved: false, at: 1))
        try await memory.remember(interaction("alice", "How do I change my email address", category: "account", at: 2))
        try await memory.remember(interaction("alice", "Where is my package from last week", category: "orders", at: 3))
        try await memory.setProfile(["plan": "premium"], for: "alice")

        let recall = try await memory.recall(for: "alice", vector: AssistantFixtures.embedder.vector(for: "change the email address on my account"))
        #expect(recall.relevant.first?.interaction.text == "How do I change my email address")
        #expect(recall.openIssues.map(\.text) == ["Refund requested for order 5521"])
        #expect(recall.profile == ["plan": "premium"])
        #expect(recall.lines.contains("open issue: Refund requested for order 5521 [billing]"))
        #expect(recall.lines.contains("profile: plan=premium"))

        #expect(try await memory.resolveOpenIssues(for: "alice", category: "billing") == 1)
        #expect(try await memory.openIssues(for: "alice").isEmpty)
    }

    @Test func recallHoldsTheMostRecentOpenIssuesUpToTheLimit() async throws {
        let store = InMemoryVectorStore()
        var configuration = AssistantConfiguration.Memory()
        configuration.openIssueLimit = 3
        let memory = CustomerMemory(store: store, embedder: AssistantFixtures.embedder, configuration: configuration)
        try await memory.prepare()
        for day in 1...8 {
            try await memory.remember(interaction("erin", "parcel \(day) still missing", category: "orders", resolved: false, at: Double(day)))
        }
        let recall = try await memory.recall(for: "erin", vector: AssistantFixtures.embedder.vector(for: "where is my parcel"))
        #expect(recall.openIssues.map(\.text) == ["parcel 6 still missing", "parcel 7 still missing", "parcel 8 still missing"])
        #expect(recall.lines.filter { $0.hasPrefix("open issue:") }.count == 3)
        // The bound is on recall only: every open issue is still kept, and resolving still resolves them all.
        #expect(try await memory.openIssues(for: "erin").count == 8)
        #expect(try await memory.resolveOpenIssues(for: "erin") == 8)
    }

    @Test func customersAreStrictlyIsolated() async throws {
        let store = InMemoryVectorStore()
        let memory = try await memory(store)
        try await memory.remember(interaction("alice", "My card ending 4242 was charged twice", category: "billing", resolved: false, at: 1))
        try await memory.setProfile(["plan": "premium", "email": "alice@example.com"], for: "alice")
        try await memory.remember(interaction("bob", "Where is my order", category: "orders", at: 2))

        // Bob asks about exactly what Alice said: nothing of hers may come back.
        let recall = try await memory.recall(for: "bob", vector: AssistantFixtures.embedder.vector(for: "card charged twice 4242"))
        #expect(recall.relevant.allSatisfy { $0.interaction.customerId == "bob" })
        #expect(recall.openIssues.isEmpty)
        #expect(recall.profile.isEmpty)
        #expect(try await memory.interactions(for: "bob").map(\.text) == ["Where is my order"])
    }

    @Test func forgettingACustomerErasesOnlyThatCustomer() async throws {
        let store = InMemoryVectorStore()
        let memory = try await memory(store)
        try await memory.remember(interaction("eval-r1-alice", "My card was charged twice", category: "billing", resolved: false, at: 1))
        try await memory.remember(interaction("eval-r1-alice", "Where is my order", category: "orders", at: 2))
        try await memory.setProfile(["plan": "premium"], for: "eval-r1-alice")
        try await memory.remember(interaction("bob", "Where is my order", category: "orders", at: 3))

        #expect(try await memory.forget("eval-r1-alice") == 3, "two interactions and the profile")
        #expect(try await memory.interactions(for: "eval-r1-alice").isEmpty)
        #expect(try await memory.profile(for: "eval-r1-alice").isEmpty)
        #expect(try await memory.interactions(for: "bob").map(\.text) == ["Where is my order"])
        #expect(try await memory.forget("eval-r1-alice") == 0, "forgetting again is harmless")
    }

    @Test func erasedTicketsAreGoneAndTheirIdsAreNeverReused() async throws {
        let tickets = try TicketStore.inMemory()
        let first = try await tickets.open(customerId: "eval-r1-alice", conversationId: "c1", priority: .normal, reasons: ["asked"], summary: "s", transcript: [])
        let second = try await tickets.open(customerId: "eval-r1-alice", conversationId: "c2", priority: .normal, reasons: ["asked"], summary: "s", transcript: [])
        let kept = try await tickets.open(customerId: "bob", priority: .normal, reasons: ["asked"], summary: "s", transcript: [])
        #expect(try await tickets.deleteTickets(customerId: "eval-r1-alice") == 2)
        #expect(try await tickets.ticket(id: first.id) == nil)
        #expect(try await tickets.ticket(id: second.id) == nil)
        #expect(try await tickets.ticket(id: kept.id)?.customerId == "bob")
        // A person may still hold a deleted ticket's number: it never names another customer's ticket.
        #expect(try await tickets.deleteTickets(customerId: "bob") == 1)
        let next = try await tickets.open(customerId: "carol", priority: .normal, reasons: ["asked"], summary: "s", transcript: [])
        #expect(![first.id, second.id, kept.id].contains(next.id))
        #expect(next.id == "T-00004")
    }

    @Test func isolationHoldsThroughTheAssistantReply() async throws {
        let store = InMemoryVectorStore()
        let classifier = KeywordClassifier([("charged", "problem", 0.9, "billing", 0.9)])
        let assistant = try await AssistantFixtures.assistant(classifier: classifier, memoryStore: store)
        var alice = ConversationState(customerId: "alice")
        _ = try await assistant.respond(to: "I was charged twice on order 777123, card ending 4242", state: &alice)

        var bob = ConversationState(customerId: "bob")
        let reply = try await assistant.respond(to: "I was charged twice", state: &bob)
        #expect(!reply.text.contains("4242"))
        #expect(!reply.text.contains("777123"))
        #expect(reply.memoryRecalled.allSatisfy { !$0.contains("4242") })
        #expect(reply.memoryRecalled.isEmpty)
    }

    @Test func retentionPrunesOldestResolvedFirst() async throws {
        let memory = try await memory(limit: 3)
        try await memory.remember(interaction("carol", "old open problem", resolved: false, at: 1))
        try await memory.remember(interaction("carol", "oldest resolved question", at: 2))
        try await memory.remember(interaction("carol", "second resolved question", at: 3))
        try await memory.remember(interaction("carol", "newest resolved question", at: 4))
        try await memory.remember(interaction("dave", "someone else", at: 5))
        let texts = try await memory.interactions(for: "carol").map(\.text)
        #expect(texts == ["old open problem", "second resolved question", "newest resolved question"])
        #expect(try await memory.interactions(for: "dave").count == 1)
    }

    @Test func returningCustomerHasEarlierOpenIssueAcknowledged() async throws {
        let store = InMemoryVectorStore()
        let classifier = KeywordClassifier([("refund", "problem", 0.9, "billing", 0.9), ("charged", "problem", 0.9, "billing", 0.9)])
        let assistant = try await AssistantFixtures.assistant(classifier: classifier, memoryStore: store)
        var first = ConversationState(customerId: "erin")
        _ = try await assistant.respond(to: "My refund for order 5521 never arrived", state: &first)

        // A new session later: memory, not the conversation, knows about the refund.
        var second = ConversationState(customerId: "erin")
        let reply = try await assistant.respond(to: "I was charged twice this month", state: &second)
        #expect(reply.memoryRecalled.contains { $0.hasPrefix("open issue: My refund for order 5521") })
        #expect(reply.text.contains("earlier report is still open"))
        // The order number is in memory, so the answer does not ask for it again.
        #expect(reply.text.contains("#5521"))
        #expect(!reply.text.contains("reply with your order number"))
    }

    @Test func evaluationSessionsSeedHistoryAndStayIsolated() async throws {
        let classifier = KeywordClassifier([], fallback: ("question", 0.9, "billing", 0.9))
        let assistant = try await AssistantFixtures.assistant(classifier: classifier)
        let factory = try SupportAssistantFactory(assistant: assistant)
        let customer = Conversation.Customer(id: "c1", profile: ["plan": "premium"], history: [.init(text: "Refund requested for order 5521", category: "billing", resolved: false)])
        let session = try await factory.makeSession(conversationId: "conv-1", customer: customer, isolatedMemory: true)
        let reply = try await session.respond(to: "how long do refunds take")
        #expect(reply.memoryRecalled.contains("open issue: Refund requested for order 5521 [billing]"))
        #expect(reply.memoryRecalled.contains("profile: plan=premium"))

        let other = try await factory.makeSession(conversationId: "conv-2", customer: .init(id: "c1"), isolatedMemory: true)
        let fresh = try await other.respond(to: "how long do refunds take")
        #expect(fresh.memoryRecalled.isEmpty)
        // The persistent memory was never touched.
        try await assistant.memory.prepare()
        #expect(try await assistant.memory.interactions(for: "c1").isEmpty)
        #expect(factory.fingerprints["classifier"] == "keyword@test")
        #expect(factory.fingerprints["embedder"] == AssistantFixtures.embedder.fingerprint.description)
    }
}
