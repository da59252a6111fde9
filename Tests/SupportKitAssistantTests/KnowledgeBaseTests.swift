import Foundation
import SupportKit
import SupportKitStore
import Testing
@testable import SupportKitAssistant

@Suite struct KnowledgeBaseTests {
    @Test func categoryFilterAppliesOnlyAboveTheThreshold() async throws {
        let store = try await AssistantFixtures.knowledgeStore()
        var configuration = AssistantConfiguration.Retrieval()
        configuration.k = 6
        configuration.categoryFilterThreshold = 0.7
        configuration.hybrid = false
        let knowledge = KnowledgeBase(store: store, configuration: configuration)
        let message = "I was charged twice"
        let vector = AssistantFixtures.embedder.vector(for: message)

        // Confident but wrong category: the filter is applied, so only account chunks come back.
        let confident = try await knowledge.search(message, vector: vector, category: "account", categoryConfidence: 0.9)
        #expect(confident.filteredCategory == "account")
        #expect(!confident.hits.isEmpty)
        #expect(confident.hits.allSatisfy { $0.chunk.category == "account" })

        // The same wrong guess below the threshold: no filter, and the right article ranks first.
        let unsure = try await knowledge.search(message, vector: vector, category: "account", categoryConfidence: 0.5)
        #expect(unsure.filteredCategory == nil)
        #expect(unsure.hits.first?.chunk.docId == "billing/duplicate-charges")
        #expect(Set(unsure.hits.map(\.chunk.category)).count > 1)
        #expect(unsure.bestSimilarity > 0)

        #expect(knowledge.categoryFilter(category: "billing", confidence: 0.7) == "billing")
        #expect(knowledge.categoryFilter(category: "billing", confidence: 0.69) == nil)
        #expect(knowledge.categoryFilter(category: nil, confidence: 1) == nil)
    }

    @Test func hybridSearchFusesDenseAndLexicalRankings() async throws {
        let dense = try await AssistantFixtures.knowledgeStore()
        // BM25 here prefers the cancel-order chunk; dense prefers the tracking chunk.
        let cancel = try #require(AssistantFixtures.chunks.first { $0.docId == "orders/cancel-order" })
        let store = LexicalStub(base: dense, lexical: [ScoredPoint(id: cancel.id, score: 9, payload: cancel.payload)])
        var configuration = AssistantConfiguration.Retrieval()
        configuration.k = 3
        let knowledge = KnowledgeBase(store: store, configuration: configuration)
        let message = "track package carrier status"
        let result = try await knowledge.search(message, vector: AssistantFixtures.embedder.vector(for: message), category: nil, categoryConfidence: 0)
        #expect(result.hybrid)
        #expect(result.hits.map(\.chunk.docId).contains("orders/cancel-order"))
        // The cancel chunk is first for BM25 and also somewhere in the dense list: it beats the chunk that
        // only dense search ranks first, and its score is 1/(60+1) + 1/(60+dense rank).
        #expect(result.hits.map(\.chunk.docId).prefix(2) == ["orders/cancel-order", "orders/track-order"])
        let denseRank = try #require(try await dense.search(AssistantFixtures.embedder.vector(for: message), in: Collections.knowledge, filter: nil, limit: 30).firstIndex { $0.id == cancel.id })
        #expect(abs(result.hits[0].score - (1.0 / 61.0 + 1.0 / Double(61 + denseRank))) < 1e-6)
        #expect(abs(result.hits[1].score - 1.0 / 61.0) < 1e-6)

        configuration.hybrid = false
        let denseOnly = try await KnowledgeBase(store: store, configuration: configuration)
            .search(message, vector: AssistantFixtures.embedder.vector(for: message), category: nil, categoryConfidence: 0)
        #expect(!denseOnly.hybrid)
    }
}

/// Wraps a store and adds a canned BM25 ranking.
struct LexicalStub: VectorStore, LexicalSearching {
    let base: any VectorStore
    let lexical: [ScoredPoint]

    func prepareCollection(_ spec: CollectionSpec) async throws { try await base.prepareCollection(spec) }
    func deleteCollection(_ name: String) async throws { try await base.deleteCollection(name) }
    func collection(named name: String) async throws -> CollectionSpec? { try await base.collection(named: name) }
    func upsert(_ points: [Point], into collection: String) async throws { try await base.upsert(points, into: collection) }
    func search(_ vector: [Float], in collection: String, filter: Filter?, limit: Int) async throws -> [ScoredPoint] {
        try await base.search(vector, in: collection, filter: filter, limit: limit)
    }
    func delete(in collection: String, matching filter: Filter) async throws { try await base.delete(in: collection, matching: filter) }
    func scroll(_ collection: String, filter: Filter?, offset: UUID?, limit: Int, withVectors: Bool) async throws -> (points: [Point], next: UUID?) {
        try await base.scroll(collection, filter: filter, offset: offset, limit: limit, withVectors: withVectors)
    }
    func count(in collection: String, filter: Filter?) async throws -> Int { try await base.count(in: collection, filter: filter) }
    func lexicalSearch(_ query: String, in collection: String, filter: Filter?, limit: Int) async throws -> [ScoredPoint] {
        Array(lexical.filter { filter?.matches(id: $0.id, payload: $0.payload) ?? true }.prefix(limit))
    }
}
