import Foundation
import SupportKit
import SupportKitTesting
import GRDB
import Testing
@testable import SupportKitStore

@Suite struct SQLiteStoreTests {
    @Test func fullTextSearchAndReloadAfterWrites() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.url.appendingPathComponent("store.sqlite").path
        let store = try SQLiteVectorStore(path: path)
        try await store.prepareCollection(.knowledge("kb", embedder: EmbedderFingerprint(name: "t", version: "1", dimension: 2)))
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

    @Test func aFullDiskNamesTheStoreAndKeepsWhatWasCommitted() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.url.appendingPathComponent("store.sqlite").path
        let database = try StoreDatabase(path: path)
        let store = SQLiteVectorStore(database: database)
        try await store.prepareCollection(.knowledge("kb", embedder: EmbedderFingerprint(name: "t", version: "1", dimension: 2)))
        func point(_ index: Int) -> Point {
            Point(id: UUID.v5(namespace: .supportKitChunks, name: "doc\(index)"), vector: [1, Float(index)],
                  payload: [ChunkKey.docId: .string("doc\(index)"), ChunkKey.text: .string(String(repeating: "refund policy words ", count: 40))])
        }
        try await store.upsert([point(0)], into: "kb")
        // The disk fills up: SQLite may grow the file by only a few more pages (the writer connection's limit).
        let pages = try await database.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0 }
        _ = try await database.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pages + 2)") }
        let error = await #expect(throws: SupportKitError.self) {
            try await store.upsert((1...200).map(point), into: "kb")
        }
        #expect(error?.code == .unavailable)
        #expect(error?.message.hasPrefix("cannot write \(path): the disk is full") == true, "\(String(describing: error))")
        #expect(error?.message.contains("nothing is half-written") == true)
        #expect(error.map { "\($0)" }?.contains("INSERT") == false, "no SQL statement in the message")
        // The batch was rolled back whole; what was committed before is intact.
        #expect(try await store.count(in: "kb", filter: nil) == 1)
    }

    @Test func cachedMatrixFollowsThisProcessWrites() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.url.appendingPathComponent("store.sqlite").path
        let store = try SQLiteVectorStore(path: path)
        try await store.prepareCollection(CollectionSpec(name: "m", dimension: 2, embedder: EmbedderFingerprint(name: "t", version: "1", dimension: 2)))
        func point(_ name: String, _ vector: [Float]) -> Point {
            Point(id: UUID.v5(namespace: .supportKitChunks, name: name), vector: vector, payload: ["customer_id": .string(name)])
        }
        try await store.upsert([point("a", [1, 0])], into: "m")
        #expect(try await store.search([1, 0], in: "m", filter: nil, limit: 5).count == 1)   // loads the matrix
        try await store.upsert([point("b", [0, 1]), point("a", [0, -1])], into: "m")      // applied incrementally
        let hits = try await store.search([0, 1], in: "m", filter: nil, limit: 5)
        #expect(hits.map { $0.payload["customer_id"]?.stringValue } == ["b", "a"])
        #expect(abs(hits[1].score + 1) < 1e-5)
        // A fresh load from disk agrees with the incrementally updated matrix.
        let fresh = try SQLiteVectorStore(path: path)
        let reloaded = try await fresh.search([0, 1], in: "m", filter: nil, limit: 5)
        #expect(reloaded.map(\.id) == hits.map(\.id))
        #expect(zip(reloaded, hits).allSatisfy { abs($0.score - $1.score) < 1e-6 })
        try await store.delete(in: "m", matching: Filter(must: [FieldMatch("customer_id", "b")]))
        #expect(try await store.search([0, 1], in: "m", filter: nil, limit: 5).map { $0.payload["customer_id"]?.stringValue } == ["a"])
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
