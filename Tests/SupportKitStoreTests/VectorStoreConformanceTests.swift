import Foundation
import SupportKit
import SupportKitTesting
import Testing
@testable import SupportKitStore

/// Behaviour every `VectorStore` must share. Runs against each implementation; a remote store adds itself
/// to `stores`.
@Suite struct VectorStoreConformanceTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case inMemory, sqlite
        var testDescription: String { rawValue }
    }

    static let fingerprint = EmbedderFingerprint(name: "test", version: "1", dimension: 4)
    static let spec = CollectionSpec(name: "kb", dimension: 4, embedder: fingerprint)

    private func makeStore(_ kind: Kind) throws -> (any VectorStore, TemporaryDirectory?) {
        switch kind {
        case .inMemory: return (InMemoryVectorStore(), nil)
        case .sqlite:
            let folder = try TemporaryDirectory()
            return (try SQLiteVectorStore(path: folder.url.appendingPathComponent("store.sqlite").path), folder)
        }
    }

    private func point(_ index: Int, _ vector: [Float], category: String, doc: String, tags: [String] = []) -> Point {
        Point(id: UUID.v5(namespace: .supportKitChunks, name: "p\(index)"), vector: vector, payload: [
            ChunkKey.docId: .string(doc), ChunkKey.category: .string(category), ChunkKey.text: .string("text \(index)"),
            ChunkKey.tags: .list(tags.map { .string($0) }), "n": .integer(Int64(index)),
            "nested": .object(["ok": .bool(true), "ratio": .double(0.5), "none": .null]),
        ])
    }

    private func seed(_ store: any VectorStore) async throws {
        try await store.prepareCollection(Self.spec)
        try await store.upsert([
            point(1, [1, 0, 0, 0], category: "billing", doc: "billing/a", tags: ["refunds"]),
            point(2, [0.9, 0.1, 0, 0], category: "orders", doc: "orders/b"),
            point(3, [0, 1, 0, 0], category: "billing", doc: "billing/c", tags: ["cards", "refunds"]),
            point(4, [0, 0, 1, 0], category: "account", doc: "account/d"),
        ], into: "kb")
    }

    @Test(arguments: Kind.allCases)
    func searchRanksByCosineAndFilters(_ kind: Kind) async throws {
        let (store, folder) = try makeStore(kind)
        defer { folder?.remove() }
        try await seed(store)
        let all = try await store.search([2, 0, 0, 0], in: "kb", filter: nil, limit: 3)
        #expect(all.map { $0.payload[ChunkKey.docId]?.stringValue } == ["billing/a", "orders/b", "billing/c"])
        #expect(abs(all[0].score - 1) < 1e-5)
        let billing = try await store.search([1, 0, 0, 0], in: "kb", filter: Filter(must: [FieldMatch(ChunkKey.category, "billing")]), limit: 10)
        #expect(billing.map { $0.payload[ChunkKey.docId]?.stringValue } == ["billing/a", "billing/c"])
        let tagged = try await store.search([0, 1, 0, 0], in: "kb", filter: Filter(must: [FieldMatch(ChunkKey.tags, "cards")]), limit: 10)
        #expect(tagged.map { $0.payload[ChunkKey.docId]?.stringValue } == ["billing/c"])
        let notBilling = try await store.search([1, 0, 0, 0], in: "kb", filter: Filter(mustNot: [FieldMatch(ChunkKey.category, "billing")]), limit: 10)
        #expect(Set(notBilling.compactMap { $0.payload[ChunkKey.docId]?.stringValue }) == ["orders/b", "account/d"])
        #expect(try await store.search([1, 0, 0, 0], in: "kb", filter: nil, limit: 100).count == 4)
    }

    @Test(arguments: Kind.allCases)
    func payloadsRoundTripWithoutLoss(_ kind: Kind) async throws {
        let (store, folder) = try makeStore(kind)
        defer { folder?.remove() }
        try await seed(store)
        let page = try await store.scroll("kb", filter: Filter(must: [FieldMatch(ChunkKey.docId, "billing/c")]), offset: nil, limit: 10, withVectors: true)
        let only = try #require(page.points.first)
        #expect(only.payload == point(3, [0, 1, 0, 0], category: "billing", doc: "billing/c", tags: ["cards", "refunds"]).payload)
        #expect(only.vector == [0, 1, 0, 0])
    }

    @Test(arguments: Kind.allCases)
    func upsertReplacesByID(_ kind: Kind) async throws {
        let (store, folder) = try makeStore(kind)
        defer { folder?.remove() }
        try await seed(store)
        try await store.upsert([point(1, [0, 0, 0, 1], category: "account", doc: "account/moved")], into: "kb")
        #expect(try await store.count(in: "kb", filter: nil) == 4)
        let top = try await store.search([0, 0, 0, 1], in: "kb", filter: nil, limit: 1)
        #expect(top.first?.payload[ChunkKey.docId]?.stringValue == "account/moved")
    }

    @Test(arguments: Kind.allCases)
    func deleteScrollAndCount(_ kind: Kind) async throws {
        let (store, folder) = try makeStore(kind)
        defer { folder?.remove() }
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
    }

    @Test(arguments: Kind.allCases)
    func mismatchedEmbedderIsRefused(_ kind: Kind) async throws {
        let (store, folder) = try makeStore(kind)
        defer { folder?.remove() }
        try await seed(store)
        let other = CollectionSpec(name: "kb", dimension: 4, embedder: EmbedderFingerprint(name: "other", version: "2", dimension: 4))
        await #expect(throws: SupportKitError.self) { try await store.prepareCollection(other) }
        do {
            try await store.prepareCollection(other)
        } catch let error as SupportKitError {
            #expect(error.code == .embedderMismatch)
            #expect(error.message.contains("re-ingest"))
        }
        try await store.deleteCollection("kb")
        #expect(try await store.collection(named: "kb") == nil)
        try await store.prepareCollection(other)
    }
}

@Suite struct SQLiteStoreTests {
    @Test func fullTextSearchAndReloadAfterWrites() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.url.appendingPathComponent("store.sqlite").path
        let store = try SQLiteVectorStore(path: path)
        let spec = CollectionSpec(name: "kb", dimension: 2, embedder: EmbedderFingerprint(name: "t", version: "1", dimension: 2))
        try await store.prepareCollection(spec)
        func chunkPoint(_ name: String, _ text: String, _ vector: [Float]) -> Point {
            Point(id: UUID.v5(namespace: .supportKitChunks, name: name), vector: vector,
                  payload: [ChunkKey.docId: .string(name), ChunkKey.text: .string(text), ChunkKey.category: .string("billing")])
        }
        try await store.upsert([chunkPoint("a", "Refunds reach your card in ten days", [1, 0]),
                                chunkPoint("b", "Shipping is free over fifty dollars", [0, 1])], into: "kb")
        let hits = try await store.lexicalSearch("when will my refund arrive?", in: "kb", filter: nil, limit: 5)
        #expect(hits.map { $0.payload[ChunkKey.docId]?.stringValue } == ["a"])
        // A second store on the same file sees writes made through the first.
        let other = try SQLiteVectorStore(path: path)
        #expect(try await other.search([0, 1], in: "kb", filter: nil, limit: 1).first?.payload[ChunkKey.docId]?.stringValue == "b")
        try await store.upsert([chunkPoint("c", "Gift cards never expire", [0, 2])], into: "kb")
        #expect(try await other.count(in: "kb", filter: nil) == 3)
        #expect(try await other.search([0, 1], in: "kb", filter: nil, limit: 2).count == 2)
        try await store.delete(in: "kb", matching: Filter(must: [FieldMatch(ChunkKey.docId, "a")]))
        #expect(try await other.lexicalSearch("refund", in: "kb", filter: nil, limit: 5).isEmpty)
    }

    @Test func embeddingCacheAnswersRepeatedTexts() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try StoreDatabase(path: folder.url.appendingPathComponent("s.sqlite").path)
        let counting = CountingEmbedder()
        let cached = CachingEmbedder(base: counting, cache: SQLiteEmbeddingCache(database: database))
        let first = try await cached.embed(["alpha", "beta", "alpha"])
        let second = try await cached.embed(["beta", "gamma"])
        #expect(first[0] == first[2])
        #expect(second[0] == first[1])
        #expect(await counting.calls == [["alpha", "beta"], ["gamma"]])
        #expect(await cached.embeddedCount == 3)
    }
}

/// An embedder that records what it was asked, to prove what the cache saves.
actor CountingEmbedder: Embedder {
    nonisolated let fingerprint = EmbedderFingerprint(name: "counting", version: "1", dimension: 3)
    nonisolated let preferredBatchSize = 16
    nonisolated let tokenCounter: any TokenCounter = ApproximateTokenCounter()
    var calls: [[String]] = []

    func embed(_ texts: [String]) async throws -> [[Float]] {
        calls.append(texts)
        return texts.map { [Float($0.count), 1, 0] }
    }
}
