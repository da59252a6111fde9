import Foundation
import SupportKit
import Testing

/// Behaviour every `VectorStore` must share, as checks that any test suite can run against its store.
///
/// `SupportKitStoreTests` runs them against the in-memory and SQLite stores, `SupportKitVectorAITests`
/// against `VectorAIVectorStore` talking to a loopback server, so both stores are held to the same checks.
public enum VectorStoreConformance {
    public static let fingerprint = EmbedderFingerprint(name: "test", version: "1", dimension: 4)
    public static let spec = CollectionSpec(name: "kb", dimension: 4, embedder: fingerprint)

    /// A knowledge-chunk-like point with every payload value kind (string, list, integer, nested object with
    /// bool, double and null).
    public static func point(_ index: Int, _ vector: [Float], category: String, doc: String, tags: [String] = []) -> Point {
        Point(id: UUID.v5(namespace: .supportKitChunks, name: "p\(index)"), vector: vector, payload: [
            ChunkKey.docId: .string(doc), ChunkKey.category: .string(category), ChunkKey.text: .string("text \(index)"),
            ChunkKey.tags: .list(tags.map { .string($0) }), "n": .integer(Int64(index)),
            "nested": .object(["ok": .bool(true), "ratio": .double(0.5), "none": .null]),
        ])
    }

    /// Creates collection `kb` (dimension 4) with four points in three categories.
    public static func seed(_ store: any VectorStore) async throws {
        try await store.prepareCollection(spec)
        try await store.upsert([
            point(1, [1, 0, 0, 0], category: "billing", doc: "billing/a", tags: ["refunds"]),
            point(2, [0.9, 0.1, 0, 0], category: "orders", doc: "orders/b"),
            point(3, [0, 1, 0, 0], category: "billing", doc: "billing/c", tags: ["cards", "refunds"]),
            point(4, [0, 0, 1, 0], category: "account", doc: "account/d"),
        ], into: "kb")
    }

    public static func searchRanksByCosineAndFilters(_ store: any VectorStore) async throws {
        try await seed(store)
        let all = try await store.search([2, 0, 0, 0], in: "kb", filter: nil, limit: 3)
        #expect(all.map { $0.payload[ChunkKey.docId]?.stringValue } == ["billing/a", "orders/b", "billing/c"])
        #expect(abs((all.first?.score ?? 0) - 1) < 1e-5)
        let billing = try await store.search([1, 0, 0, 0], in: "kb", filter: Filter(must: [FieldMatch(ChunkKey.category, "billing")]), limit: 10)
        #expect(billing.map { $0.payload[ChunkKey.docId]?.stringValue } == ["billing/a", "billing/c"])
        let tagged = try await store.search([0, 1, 0, 0], in: "kb", filter: Filter(must: [FieldMatch(ChunkKey.tags, "cards")]), limit: 10)
        #expect(tagged.map { $0.payload[ChunkKey.docId]?.stringValue } == ["billing/c"])
        let notBilling = try await store.search([1, 0, 0, 0], in: "kb", filter: Filter(mustNot: [FieldMatch(ChunkKey.category, "billing")]), limit: 10)
        #expect(Set(notBilling.compactMap { $0.payload[ChunkKey.docId]?.stringValue }) == ["orders/b", "account/d"])
        let either = try await store.search(
            [1, 0, 0, 0], in: "kb",
            filter: Filter(should: [FieldMatch(ChunkKey.category, "account"), FieldMatch(ChunkKey.docId, "orders/b")]), limit: 10)
        #expect(Set(either.compactMap { $0.payload[ChunkKey.docId]?.stringValue }) == ["orders/b", "account/d"])
        let byID = try await store.search(
            [1, 0, 0, 0], in: "kb", filter: Filter(must: [FieldMatch(key: ChunkKey.category, anyOf: ["billing", "orders"])],
                                                  ids: [point(2, [], category: "", doc: "").id, point(4, [], category: "", doc: "").id]), limit: 10)
        #expect(byID.map { $0.payload[ChunkKey.docId]?.stringValue } == ["orders/b"])
        #expect(try await store.search([1, 0, 0, 0], in: "kb", filter: nil, limit: 100).count == 4)
    }

    public static func payloadsRoundTripWithoutLoss(_ store: any VectorStore) async throws {
        try await seed(store)
        let page = try await store.scroll("kb", filter: Filter(must: [FieldMatch(ChunkKey.docId, "billing/c")]), offset: nil, limit: 10, withVectors: true)
        let only = try #require(page.points.first)
        #expect(only.payload == point(3, [0, 1, 0, 0], category: "billing", doc: "billing/c", tags: ["cards", "refunds"]).payload)
        #expect(only.vector == [0, 1, 0, 0])
    }

    public static func upsertReplacesByID(_ store: any VectorStore) async throws {
        try await seed(store)
        try await store.upsert([point(1, [0, 0, 0, 1], category: "account", doc: "account/moved")], into: "kb")
        #expect(try await store.count(in: "kb", filter: nil) == 4)
        let top = try await store.search([0, 0, 0, 1], in: "kb", filter: nil, limit: 1)
        #expect(top.first?.payload[ChunkKey.docId]?.stringValue == "account/moved")
    }

    public static func deleteScrollAndCount(_ store: any VectorStore) async throws {
        try await seed(store)
        #expect(try await store.count(in: "kb", filter: Filter(must: [FieldMatch(ChunkKey.category, "billing")])) == 2)
        try await store.delete(in: "kb", matching: Filter(must: [FieldMatch(key: ChunkKey.docId, anyOf: ["billing/a", "orders/b"])]))
        #expect(try await store.count(in: "kb", filter: nil) == 2)
        let ids = Set([UUID.v5(namespace: .supportKitChunks, name: "p3")])
        try await store.delete(in: "kb", matching: Filter(ids: ids))
        #expect(try await store.count(in: "kb", filter: nil) == 1)
        // Scroll pages through everything in id order.
        try await store.upsert((10..<25).map { point($0, [1, 1, 0, 0], category: "orders", doc: "orders/many") }, into: "kb")
        var seen: [UUID] = []
        var offset: UUID?
        repeat {
            let page = try await store.scroll("kb", filter: nil, offset: offset, limit: 4, withVectors: false)
            seen += page.points.map(\.id)
            offset = page.next
        } while offset != nil
        #expect(seen.count == 16)
        #expect(seen == seen.sorted { $0.uuidString < $1.uuidString })
        // Missing collections: counting gives 0 and deleting does nothing, as everywhere.
        #expect(try await store.count(in: "absent", filter: nil) == 0)
        try await store.delete(in: "absent", matching: Filter(must: [FieldMatch(ChunkKey.docId, "x")]))
    }

    public static func mismatchedEmbedderIsRefused(_ store: any VectorStore) async throws {
        try await seed(store)
        let other = CollectionSpec(name: "kb", dimension: 4, embedder: EmbedderFingerprint(name: "other", version: "2", dimension: 4))
        await #expect(throws: SupportKitError.self) { try await store.prepareCollection(other) }
        do {
            try await store.prepareCollection(other)
        } catch let error as SupportKitError {
            #expect(error.code == .embedderMismatch)
            #expect(error.message.contains("re-ingest"))
        }
        #expect(try await store.collection(named: "kb") == spec)
        try await store.deleteCollection("kb")
        #expect(try await store.collection(named: "kb") == nil)
        try await store.prepareCollection(other)
        #expect(try await store.collection(named: "kb") == other)
    }
}
