import Foundation
import SupportKit

/// What the knowledge collection holds, as far as evaluation cares: which document ids exist (to check
/// `docs` labels) and a hash of its chunks (to fingerprint the corpus a run was scored against).
public struct KnowledgeCatalog: Sendable, Hashable {
    /// Every `doc_id` in the collection.
    public var docIds: Set<String>
    /// SHA-256 over the knowledge base's content: the sorted (chunk id, content hash) pairs of the knowledge
    /// collection, then the sorted (facet id, text) pairs of its facet collection (titles and tags, which
    /// weigh the ranking). Changes when anything retrieval reads changes, and only then.
    public var corpusHash: String
    /// Chunks in the collection.
    public var chunkCount: Int
    /// Each document's category, by id.
    public var categories: [String: String]
    /// Each document's tags, by id.
    public var tags: [String: [String]]

    /// A catalog with the given contents.
    public init(docIds: Set<String>, corpusHash: String, chunkCount: Int, categories: [String: String] = [:],
                tags: [String: [String]] = [:]) {
        self.docIds = docIds
        self.corpusHash = corpusHash
        self.chunkCount = chunkCount
        self.categories = categories
        self.tags = tags
    }

    /// What a run records about the knowledge base: the expected documents it lacks (`missing`), and each
    /// document's category and tags.
    public func facts(missingDocIds: [String]) -> KnowledgeFacts {
        KnowledgeFacts(missingDocIds: missingDocIds, categories: categories, tags: tags.filter { !$0.value.isEmpty })
    }

    /// Scrolls the knowledge collection of `store`; nil when the collection does not exist yet.
    ///
    /// - Throws: the store's errors (unreachable store: `SupportKitError.unavailable`).
    public static func load(from store: any VectorStore, collection: String = Collections.knowledge) async throws -> KnowledgeCatalog? {
        guard try await store.collection(named: collection) != nil else { return nil }
        var docIds = Set<String>()
        var categories: [String: String] = [:], tags: [String: [String]] = [:]
        var chunks: [(id: String, hash: String)] = []
        var offset: UUID?
        repeat {
            let page = try await store.scroll(collection, filter: nil, offset: offset, limit: 1_000, withVectors: false)
            for point in page.points {
                guard let docId = point.payload[ChunkKey.docId]?.stringValue else { continue }
                if docIds.insert(docId).inserted {
                    categories[docId] = point.payload[ChunkKey.category]?.stringValue
                    if case .list(let values)? = point.payload[ChunkKey.tags] { tags[docId] = values.compactMap(\.stringValue) }
                }
                chunks.append((point.id.uuidString, point.payload[ChunkKey.contentHash]?.stringValue ?? ""))
            }
            offset = page.next
        } while offset != nil
        var hasher = ContentHasher()
        for chunk in chunks.sorted(by: { $0.id < $1.id }) {
            hasher.combine(chunk.id)
            hasher.combine(chunk.hash)
        }
        let facetCollection = Collections.facets(of: collection)
        if try await store.collection(named: facetCollection) != nil {
            var facets: [(id: String, text: String)] = []
            offset = nil
            repeat {
                let page = try await store.scroll(facetCollection, filter: nil, offset: offset, limit: 1_000, withVectors: false)
                for point in page.points {
                    facets.append((point.id.uuidString, point.payload[FacetKey.text]?.stringValue ?? ""))
                }
                offset = page.next
            } while offset != nil
            hasher.combine("facets")
            for facet in facets.sorted(by: { $0.id < $1.id }) {
                hasher.combine(facet.id)
                hasher.combine(facet.text)
            }
        }
        return KnowledgeCatalog(docIds: docIds, corpusHash: hasher.finalize(), chunkCount: chunks.count, categories: categories,
                                tags: tags)
    }
}
