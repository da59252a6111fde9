import Foundation
import SupportKit
import SupportKitStore

/// Searches the knowledge collection for the chunks that answer a message.
///
/// The category filter is applied only when the classifier is confident about the category: a wrong filter
/// removes every right answer, while no filter only lets a few off-topic chunks compete.
///
/// Dense candidates are ranked by `(1 - w) * chunk similarity + w * document facet similarity`, where the
/// facet similarity is the best match among the document's title and tags (`DocumentFacet`, written by the
/// ingest pipeline next to the chunks): a paraphrase such as "I can't get into my account" matches the tag
/// "can't log in" of the password-reset article better than any of its passages. Without a facet collection
/// (a store ingested before facets, or `facet_weight: 0`) chunks rank by their own similarity. When the store
/// can rank by words too (`LexicalSearching`) and hybrid search is on, the dense and BM25 rankings are fused by
/// reciprocal rank fusion, which needs no score normalisation between the two.
public struct KnowledgeBase: Sendable {
    /// One retrieved chunk with both the score it ranked by and its dense similarity.
    public struct Hit: Sendable, Hashable {
        public var chunk: Chunk
        /// The ranking score: the facet-weighted similarity (or the cosine, without facets) for dense-only
        /// search, the RRF score for hybrid.
        public var score: Double
        /// Cosine similarity to the message (nil when only BM25 found the chunk).
        public var similarity: Double?

        /// A hit for `chunk`.
        public init(chunk: Chunk, score: Double, similarity: Double?) {
            self.chunk = chunk
            self.score = score
            self.similarity = similarity
        }
    }

    /// What one search did and found.
    public struct Result: Sendable, Hashable {
        public var hits: [Hit]
        /// The category filter applied, if any.
        public var filteredCategory: String?
        /// Whether BM25 took part.
        public var hybrid: Bool
        /// The best cosine similarity of any hit (the "did anything match" signal for escalation).
        public var bestSimilarity: Double

        /// A search result.
        public init(hits: [Hit], filteredCategory: String?, hybrid: Bool, bestSimilarity: Double) {
            self.hits = hits
            self.filteredCategory = filteredCategory
            self.hybrid = hybrid
            self.bestSimilarity = bestSimilarity
        }
    }

    public let store: any VectorStore
    public let configuration: AssistantConfiguration.Retrieval
    public let collection: String

    /// A knowledge base over `collection` of `store`.
    public init(store: any VectorStore, configuration: AssistantConfiguration.Retrieval = .init(), collection: String = Collections.knowledge) {
        self.store = store
        self.configuration = configuration
        self.collection = collection
    }

    /// The category filter for a prediction: nil unless `confidence` clears the threshold.
    public func categoryFilter(category: String?, confidence: Double) -> String? {
        guard let category, !category.isEmpty, confidence >= configuration.categoryFilterThreshold else { return nil }
        return category
    }

    /// The best `configuration.k` chunks for `message` (embedded as `vector`).
    /// - Throws: store errors; `SupportKitError.invalidInput` when the collection does not exist.
    public func search(_ message: String, vector: [Float], category: String?, categoryConfidence: Double) async throws -> Result {
        let filterCategory = categoryFilter(category: category, confidence: categoryConfidence)
        let filter = filterCategory.map { Filter(must: [FieldMatch(ChunkKey.category, $0)]) }
        let k = configuration.k
        let lexical = configuration.hybrid ? store as? any LexicalSearching : nil
        let facetScores = try await facetSimilarities(vector, filter: filter)
        let pool = lexical == nil && facetScores == nil ? k : max(k, configuration.candidates)
        var dense = try await store.search(vector, in: collection, filter: filter, limit: pool)
        var similarity: [UUID: Double] = [:]
        for point in dense { similarity[point.id] = Double(point.score) }
        let best = dense.first.map { Double($0.score) } ?? 0
        if let facetScores {
            dense = Self.weighByFacets(dense, facetScores: facetScores, weight: configuration.facetWeight)
        }
        guard let lexical else {
            let hits = dense.prefix(k).compactMap { point in
                Chunk(id: point.id, payload: point.payload).map { Hit(chunk: $0, score: Double(point.score), similarity: similarity[point.id]) }
            }
            return Result(hits: hits, filteredCategory: filterCategory, hybrid: false, bestSimilarity: best)
        }
        let words = try await lexical.lexicalSearch(message, in: collection, filter: filter, limit: pool)
        let fused = ReciprocalRankFusion.fuse([dense, words], k: Double(configuration.rrfK))
        let hits = fused.prefix(k).compactMap { point -> Hit? in
            guard let chunk = Chunk(id: point.id, payload: point.payload) else { return nil }
            return Hit(chunk: chunk, score: Double(point.score), similarity: similarity[point.id])
        }
        return Result(hits: hits, filteredCategory: filterCategory, hybrid: true, bestSimilarity: best)
    }

    /// How many facets a search looks at: every facet of a knowledge base of a few hundred articles.
    static let facetCandidates = 1000

    /// Per document id, the best similarity of its facets to the query; nil when facets are off or the
    /// store has no facet collection.
    func facetSimilarities(_ vector: [Float], filter: Filter?) async throws -> FacetScores? {
        guard configuration.facetWeight > 0 else { return nil }
        let facetCollection = Collections.facets(of: collection)
        guard try await store.collection(named: facetCollection) != nil else { return nil }
        let points = try await store.search(vector, in: facetCollection, filter: filter, limit: Self.facetCandidates)
        guard let lowest = points.last?.score else { return nil }
        var best: [String: Double] = [:]
        for point in points {
            guard let docId = point.payload[FacetKey.docId]?.stringValue else { continue }
            best[docId] = max(best[docId] ?? -1, Double(point.score))
        }
        // A document none of whose facets made the list scores at most the lowest one listed.
        return FacetScores(byDocument: best, unlisted: Double(lowest))
    }

    /// Facet similarities per document.
    struct FacetScores {
        var byDocument: [String: Double]
        var unlisted: Double

        subscript(docId: String?) -> Double { docId.flatMap { byDocument[$0] } ?? unlisted }
    }

    /// Re-ranks chunks by `(1 - weight) * own score + weight * their document's facet score`.
    static func weighByFacets(_ points: [ScoredPoint], facetScores: FacetScores, weight: Double) -> [ScoredPoint] {
        let weighed = points.enumerated().map { index, point in
            var point = point
            let facet = facetScores[point.payload[ChunkKey.docId]?.stringValue]
            point.score = Float((1 - weight) * Double(point.score) + weight * facet)
            return (index, point)
        }
        // Stable: equal scores keep the store's order.
        return weighed.sorted { $0.1.score != $1.1.score ? $0.1.score > $1.1.score : $0.0 < $1.0 }.map(\.1)
    }
}
