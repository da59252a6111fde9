import Foundation
import SupportKit
import SupportKitStore

/// Searches the knowledge collection for the chunks that answer a message.
///
/// The category filter is applied only when the classifier is confident about the category: a wrong filter
/// removes every right answer, while no filter only lets a few off-topic chunks compete. When the store can
/// rank by words too (`LexicalSearching`) and hybrid search is on, the dense and BM25 rankings are fused by
/// reciprocal rank fusion, which needs no score normalisation between the two.
public struct KnowledgeBase: Sendable {
    /// One retrieved chunk with both the score it ranked by and its dense similarity.
    public struct Hit: Sendable, Hashable {
        public var chunk: Chunk
        /// The ranking score: cosine for dense-only search, the RRF score for hybrid.
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
        let pool = lexical == nil ? k : max(k, configuration.candidates)
        let dense = try await store.search(vector, in: collection, filter: filter, limit: pool)
        var similarity: [UUID: Double] = [:]
        for point in dense { similarity[point.id] = Double(point.score) }
        let best = dense.first.map { Double($0.score) } ?? 0
        guard let lexical else {
            let hits = dense.prefix(k).compactMap { point in
                Chunk(id: point.id, payload: point.payload).map { Hit(chunk: $0, score: Double(point.score), similarity: Double(point.score)) }
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
}
