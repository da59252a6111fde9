import Foundation
import Testing
import SupportKit
@testable import SupportKitEval

/// A read-only store holding fixed points, paging `scroll` like the real stores (ordered by id).
struct PagedStore: VectorStore {
    let points: [Point]
    let hasCollection: Bool

    func prepareCollection(_ spec: CollectionSpec) async throws {}
    func deleteCollection(_ name: String) async throws {}
    func collection(named name: String) async throws -> CollectionSpec? {
        hasCollection ? CollectionSpec(name: name, dimension: 2, embedder: EmbedderFingerprint(name: "t", version: "1", dimension: 2)) : nil
    }
    func upsert(_ points: [Point], into collection: String) async throws {}
    func search(_ vector: [Float], in collection: String, filter: Filter?, limit: Int) async throws -> [ScoredPoint] { [] }
    func delete(in collection: String, matching filter: Filter) async throws {}
    func count(in collection: String, filter: Filter?) async throws -> Int { points.count }
    func scroll(_ collection: String, filter: Filter?, offset: UUID?, limit: Int, withVectors: Bool) async throws -> (points: [Point], next: UUID?) {
        let sorted = points.sorted { $0.id.uuidString < $1.id.uuidString }
        let start = offset.flatMap { offset in sorted.firstIndex { $0.id == offset } } ?? 0
        let page = Array(sorted[start..<min(start + 2, sorted.count)])   // tiny pages exercise the paging
        let next = start + 2 < sorted.count ? sorted[start + 2].id : nil
        return (page, next)
    }
}

@Suite struct KnowledgeCatalogTests {
    static func chunk(_ doc: String, _ section: String, text: String = "text") -> Point {
        let chunk = Chunk(id: Chunk.makeID(docId: doc, headingPath: [section], position: 0), docId: doc, title: doc, category: "billing",
                          tags: [], headingPath: [section], sourcePath: doc + ".md", lineStart: 1, lineEnd: 2, anchor: "#", url: nil,
                          text: text, position: 0)
        return Point(id: chunk.id, vector: [1, 0], payload: chunk.payload)
    }

    @Test func collectsEveryDocumentIdAcrossPages() async throws {
        let points = [Self.chunk("billing/refunds", "a"), Self.chunk("billing/refunds", "b"), Self.chunk("orders/returns", "a"),
                      Self.chunk("account/reset", "a"), Self.chunk("account/reset", "b")]
        let catalog = try #require(try await KnowledgeCatalog.load(from: PagedStore(points: points, hasCollection: true)))
        #expect(catalog.docIds == ["billing/refunds", "orders/returns", "account/reset"])
        #expect(catalog.chunkCount == 5)
        // The hash ignores order and changes with content.
        let shuffled = try #require(try await KnowledgeCatalog.load(from: PagedStore(points: points.reversed(), hasCollection: true)))
        #expect(shuffled.corpusHash == catalog.corpusHash)
        var edited = points
        edited[0] = Self.chunk("billing/refunds", "a", text: "changed")
        let changed = try #require(try await KnowledgeCatalog.load(from: PagedStore(points: edited, hasCollection: true)))
        #expect(changed.corpusHash != catalog.corpusHash)
    }

    @Test func aMissingCollectionGivesNoCatalog() async throws {
        #expect(try await KnowledgeCatalog.load(from: PagedStore(points: [], hasCollection: false)) == nil)
    }
}
