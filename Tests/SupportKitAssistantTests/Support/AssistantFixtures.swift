import Foundation
import SupportKit
import SupportKitEmbedding
import SupportKitStore
@testable import SupportKitAssistant

/// A small knowledge base and assistant parts shared by the tests.
enum AssistantFixtures {
    static let embedder = LexicalEmbedder(dimension: 512)

    static func chunk(_ docId: String, title: String, category: String, heading: String, text: String) -> Chunk {
        let path = [title, heading]
        return Chunk(
            id: Chunk.makeID(docId: docId, headingPath: path, position: 0), docId: docId, title: title,
            category: category, tags: [], headingPath: path, sourcePath: "\(docId).md", lineStart: 1, lineEnd: 10,
            anchor: "https://help.example.com/\(docId)#\(heading.lowercased().replacingOccurrences(of: " ", with: "-"))",
            url: "https://help.example.com/\(docId)", text: text, position: 0)
    }

    static let chunks: [Chunk] = [
        chunk("billing/duplicate-charges", title: "Duplicate charges", category: "billing", heading: "Why you see two charges",
              text: "A duplicate charge is usually a temporary authorization hold. Holds drop off your statement within 3 to 5 business days. If both charges post, we refund the extra charge automatically."),
        chunk("billing/refund-timeline", title: "Refund timeline", category: "billing", heading: "How long refunds take",
              text: "Refunds go back to the original payment method. Card refunds take 5 to 10 business days to appear. PayPal refunds appear within 2 days."),
        chunk("account/reset-password", title: "Reset your password", category: "account", heading: "Reset steps",
              text: "Open the sign-in page and choose Forgot password. Enter your email address and we send a reset link. The reset link expires after 30 minutes."),
        chunk("account/change-email", title: "Change your email address", category: "account", heading: "Change email",
              text: "Go to Account settings and choose Email. Enter the new email address and confirm it from the message we send."),
        chunk("orders/track-order", title: "Track your order", category: "orders", heading: "Tracking",
              text: "Open Orders and choose Track package to see the carrier status. Tracking updates can take 24 hours after the label is created."),
        chunk("orders/cancel-order", title: "Cancel an order", category: "orders", heading: "Cancel before shipping",
              text: "You can cancel an order until it ships. Open Orders, pick the order and choose Cancel order. Shipped orders must be returned instead."),
    ]

    /// An in-memory store holding `chunks` in the knowledge collection.
    static func knowledgeStore() async throws -> InMemoryVectorStore {
        let store = InMemoryVectorStore()
        try await store.prepareCollection(.knowledge(Collections.knowledge, embedder: embedder.fingerprint))
        let vectors = try await embedder.embed(chunks.map(\.embeddingText))
        try await store.upsert(zip(chunks, vectors).map { Point(id: $0.id, vector: $1, payload: $0.payload) }, into: Collections.knowledge)
        return store
    }

    /// Settings for the fixture: six short chunks in a 512-bucket lexical space score lower than a real
    /// corpus does, so the knowledge floor is set for them.
    static var configuration: AssistantConfiguration {
        var configuration = AssistantConfiguration()
        configuration.escalation.minKnowledgeScore = 0.04
        return configuration
    }

    /// An assistant over the fixture knowledge base with `classifier`, memory in its own store.
    static func assistant(
        classifier: any IntentClassifier, configuration: AssistantConfiguration = AssistantFixtures.configuration,
        memoryStore: (any VectorStore)? = nil, tickets: TicketStore? = nil, knowledge: (any VectorStore)? = nil
    ) async throws -> SupportAssistant {
        let knowledgeStore: any VectorStore
        if let knowledge { knowledgeStore = knowledge } else { knowledgeStore = try await Self.knowledgeStore() }
        let memory = CustomerMemory(store: memoryStore ?? InMemoryVectorStore(), embedder: embedder, configuration: configuration.memory)
        return SupportAssistant(
            configuration: configuration, embedder: embedder, classifier: classifier,
            knowledge: KnowledgeBase(store: knowledgeStore, configuration: configuration.retrieval),
            memory: memory, tickets: try tickets ?? TicketStore.inMemory(),
            clock: { Date(timeIntervalSince1970: 1_790_000_000) })
    }
}

/// A classifier that answers by keyword, so assistant tests do not depend on a trained model.
struct KeywordClassifier: IntentClassifier {
    struct Rule: Sendable {
        var keyword: String
        var classification: Classification
    }

    var rules: [Rule]
    var fallback: Classification

    init(_ rules: [(String, String, Double, String?, Double)], fallback: (String, Double, String?, Double) = ("question", 0.9, nil, 0)) {
        self.rules = rules.map { Rule(keyword: $0.0, classification: Classification(intent: $0.1, confidence: $0.2, category: $0.3, categoryConfidence: $0.4, classifier: "keyword@test")) }
        self.fallback = Classification(intent: fallback.0, confidence: fallback.1, category: fallback.2, categoryConfidence: fallback.3, classifier: "keyword@test")
    }

    var fingerprint: String { "keyword@test" }
    var intentLabels: [String] { DefaultIntent.all }
    var categoryLabels: [String] { CategorySet.default.names }
    var trainingTexts: [String] { [] }

    func classify(_ message: String, embedding: [Float]) async throws -> Classification {
        let lowered = message.lowercased()
        return rules.first { lowered.contains($0.keyword) }?.classification ?? fallback
    }
}
