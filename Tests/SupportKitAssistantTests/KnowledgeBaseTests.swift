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

extension KnowledgeBaseTests {
    /// Writes `facets` into the facet collection of the fixture's knowledge collection.
    static func addFacets(_ facets: [DocumentFacet], to store: any VectorStore) async throws {
        let embedder = AssistantFixtures.embedder
        let name = Collections.facets(of: Collections.knowledge)
        try await store.prepareCollection(CollectionSpec(
            name: name, dimension: embedder.dimension, embedder: embedder.fingerprint, indexedKeys: [FacetKey.docId, FacetKey.category]))
        let vectors = try await embedder.embed(facets.map(\.text))
        try await store.upsert(zip(facets, vectors).map { Point(id: $0.id, vector: $1, payload: $0.payload) }, into: name)
    }

    @Test func aDocumentWhoseTagMatchesTheMessageRanksFirst() async throws {
        let store = try await AssistantFixtures.knowledgeStore()
        var configuration = AssistantConfiguration.Retrieval()
        configuration.k = 6
        configuration.hybrid = false
        let message = "cancel my card payment"
        let vector = AssistantFixtures.embedder.vector(for: message)

        // Without facets the chunks rank by their own similarity, which favours the cancel-order article.
        let plain = try await KnowledgeBase(store: store, configuration: configuration)
            .search(message, vector: vector, category: nil, categoryConfidence: 0)
        #expect(plain.hits.first?.chunk.docId == "orders/cancel-order")
        #expect(plain.hits.allSatisfy { $0.score == $0.similarity })

        // The refund article's tag says it in the customer's words: with facets it comes first.
        try await Self.addFacets([
            DocumentFacet(docId: "billing/refund-timeline", category: "billing", kind: .tag, text: "cancel my card payment"),
            DocumentFacet(docId: "orders/cancel-order", category: "orders", kind: .title, text: "Cancel an order"),
        ], to: store)
        let weighed = try await KnowledgeBase(store: store, configuration: configuration)
            .search(message, vector: vector, category: nil, categoryConfidence: 0)
        #expect(weighed.hits.first?.chunk.docId == "billing/refund-timeline")
        // score = (1 - w) * chunk similarity + w * best facet similarity (1 for the identical tag).
        let first = try #require(weighed.hits.first)
        #expect(abs(first.score - (0.5 * (first.similarity ?? 0) + 0.5 * 1.0)) < 1e-5)
        // The escalation signal stays the plain similarity of the best chunk.
        #expect(weighed.bestSimilarity == plain.bestSimilarity)
        #expect(Set(weighed.hits.map(\.chunk.id)) == Set(plain.hits.map(\.chunk.id)))

        // Weight 0 turns facets off.
        configuration.facetWeight = 0
        let off = try await KnowledgeBase(store: store, configuration: configuration)
            .search(message, vector: vector, category: nil, categoryConfidence: 0)
        #expect(off.hits.map(\.chunk.id) == plain.hits.map(\.chunk.id))
    }

    @Test func facetWeightIsValidated() throws {
        var configuration = AssistantConfiguration()
        configuration.retrieval.facetWeight = 1.5
        #expect(throws: (any Error).self) { try configuration.validate() }
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
