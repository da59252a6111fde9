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

    /// Keys `indexedSpec` declares: a string of every point, a list (tags) and an integer.
    public static let indexedKeys = [ChunkKey.docId, ChunkKey.category, ChunkKey.tags, "n"]

    /// Collection `name` (dimension 4, the test embedder) declaring `indexedKeys`.
    public static func indexedSpec(_ name: String = "kb") -> CollectionSpec {
        CollectionSpec(name: name, dimension: 4, embedder: fingerprint, indexedKeys: indexedKeys)
    }

    /// The four points `seed` writes.
    public static let seedPoints = [
        point(1, [1, 0, 0, 0], category: "billing", doc: "billing/a", tags: ["refunds"]),
        point(2, [0.9, 0.1, 0, 0], category: "orders", doc: "orders/b"),
        point(3, [0, 1, 0, 0], category: "billing", doc: "billing/c", tags: ["cards", "refunds"]),
        point(4, [0, 0, 1, 0], category: "account", doc: "account/d"),
    ]

    /// Creates collection `kb` (dimension 4, or `spec`) with four points in three categories.
    public static func seed(_ store: any VectorStore, spec: CollectionSpec = spec) async throws {
        try await store.prepareCollection(spec)
        try await store.upsert(seedPoints, into: spec.name)
    }

    /// Filters touching declared and undeclared keys alike: string, list element, integer text, several
    /// values, two conditions, `should`, `mustNot`, ids, and a value no point has.
    public static let probeFilters: [Filter] = [
        Filter(must: [FieldMatch(ChunkKey.category, "billing")]),
        Filter(must: [FieldMatch(ChunkKey.tags, "refunds")]),
        Filter(must: [FieldMatch(ChunkKey.tags, "cards")]),
        Filter(must: [FieldMatch("n", "2")]),
        Filter(must: [FieldMatch(key: ChunkKey.docId, anyOf: ["orders/b", "account/d", "nowhere"])]),
        Filter(must: [FieldMatch(ChunkKey.category, "billing"), FieldMatch(ChunkKey.tags, "cards")]),
        Filter(must: [FieldMatch(ChunkKey.category, "billing")], mustNot: [FieldMatch(ChunkKey.tags, "cards")]),
        Filter(must: [FieldMatch(ChunkKey.category, "billing")], should: [FieldMatch(ChunkKey.docId, "billing/a"), FieldMatch("n", "4")]),
        Filter(must: [FieldMatch(key: ChunkKey.category, anyOf: ["billing", "orders"])], ids: [seedPoints[1].id, seedPoints[2].id]),
        Filter(must: [FieldMatch(ChunkKey.category, "nowhere")]),
        Filter(must: [FieldMatch(ChunkKey.tags, "billing")]),
    ]

    /// What a store answers for `filter` in `collection`: search hits (ids in rank order), scroll ids and count.
    static func answers(_ store: any VectorStore, _ collection: String, _ filter: Filter) async throws -> [String] {
        let hits = try await store.search([1, 0.5, 0.25, 0], in: collection, filter: filter, limit: 10).map(\.id.uuidString)
        let page = try await store.scroll(collection, filter: filter, offset: nil, limit: 10, withVectors: false).points.map(\.id.uuidString)
        let count = try await store.count(in: collection, filter: filter)
        return hits + ["|"] + page + ["|", "\(count)"]
    }

    public static func declaredAndUndeclaredKeysFilterAlike(_ store: any VectorStore) async throws {
        try await seed(store, spec: indexedSpec("declared"))
        try await seed(store, spec: CollectionSpec(name: "plain", dimension: 4, embedder: fingerprint))
        #expect(try await store.collection(named: "declared")?.indexedKeys == indexedKeys)
        #expect(try await store.collection(named: "plain")?.indexedKeys == [])
        for filter in probeFilters {
            let declared = try await answers(store, "declared", filter)
            #expect(declared == (try await answers(store, "plain", filter)), "\(filter)")
        }
        // An integer key matches by its text, a list key by each element.
        #expect(try await store.count(in: "declared", filter: Filter(must: [FieldMatch("n", "3")])) == 1)
        #expect(try await store.count(in: "declared", filter: Filter(must: [FieldMatch(ChunkKey.tags, "refunds")])) == 2)
        // Deleting by a declared key removes the same points, and the index forgets them.
        let byCategory = Filter(must: [FieldMatch(ChunkKey.category, "billing")])
        try await store.delete(in: "declared", matching: byCategory)
        try await store.delete(in: "plain", matching: byCategory)
        #expect(try await store.count(in: "declared", filter: byCategory) == 0)
        for filter in probeFilters {
            let declared = try await answers(store, "declared", filter)
            #expect(declared == (try await answers(store, "plain", filter)), "after delete: \(filter)")
        }
    }

    public static func listValuedKeysMatchByElement(_ store: any VectorStore) async throws {
        try await seed(store, spec: indexedSpec())
        func docs(_ filter: Filter) async throws -> Set<String> {
            Set(try await store.search([1, 1, 1, 0], in: "kb", filter: filter, limit: 10).compactMap { $0.payload[ChunkKey.docId]?.stringValue })
        }
        #expect(try await docs(Filter(must: [FieldMatch(ChunkKey.tags, "refunds")])) == ["billing/a", "billing/c"])
        #expect(try await docs(Filter(must: [FieldMatch(ChunkKey.tags, "cards")])) == ["billing/c"])
        #expect(try await docs(Filter(must: [FieldMatch(key: ChunkKey.tags, anyOf: ["cards", "nope"])])) == ["billing/c"])
        #expect(try await docs(Filter(mustNot: [FieldMatch(ChunkKey.tags, "refunds")])) == ["orders/b", "account/d"])
        // Replacing a point's tags moves it between values.
        try await store.upsert([point(1, [1, 0, 0, 0], category: "billing", doc: "billing/a", tags: ["cards"])], into: "kb")
        #expect(try await docs(Filter(must: [FieldMatch(ChunkKey.tags, "refunds")])) == ["billing/c"])
        #expect(try await docs(Filter(must: [FieldMatch(ChunkKey.tags, "cards")])) == ["billing/a", "billing/c"])
    }

    public static func redeclaringKeysReindexes(_ store: any VectorStore) async throws {
        try await seed(store)
        let undeclared = try await probeFilters.asyncMap { try await answers(store, "kb", $0) }
        // Points written before the declaration are found through the new index.
        try await store.prepareCollection(indexedSpec())
        #expect(try await store.collection(named: "kb") == indexedSpec())
        #expect(try await probeFilters.asyncMap { try await answers(store, "kb", $0) } == undeclared)
        #expect(try await store.count(in: "kb", filter: Filter(must: [FieldMatch(ChunkKey.tags, "refunds")])) == 2)
        // Points written after it are indexed as they come.
        try await store.upsert([point(5, [0, 0, 0, 1], category: "billing", doc: "billing/e", tags: ["refunds"])], into: "kb")
        #expect(try await store.count(in: "kb", filter: Filter(must: [FieldMatch(ChunkKey.tags, "refunds")])) == 3)
        // Declaring fewer keys again changes no answer.
        let fewer = CollectionSpec(name: "kb", dimension: 4, embedder: fingerprint, indexedKeys: [ChunkKey.category])
        let declared = try await probeFilters.asyncMap { try await answers(store, "kb", $0) }
        try await store.prepareCollection(fewer)
        #expect(try await store.collection(named: "kb")?.indexedKeys == [ChunkKey.category])
        #expect(try await probeFilters.asyncMap { try await answers(store, "kb", $0) } == declared)
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

extension Array {
    /// `transform` applied to each element in order, awaiting each.
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        results.reserveCapacity(count)
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
