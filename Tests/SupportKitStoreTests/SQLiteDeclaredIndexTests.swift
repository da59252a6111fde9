import Foundation
import GRDB
import SupportKit
import SupportKitTesting
import Synchronization
import Testing
@testable import SupportKitStore

/// The SQLite store's declared indexes: full text per collection, the v1 -> v2 migration, and the cached
/// matrix that follows writes in place.
@Suite struct SQLiteDeclaredIndexTests {
    static let fingerprint = EmbedderFingerprint(name: "t", version: "1", dimension: 2)

    static func chunkPoint(_ name: String, _ text: String, _ vector: [Float] = [1, 0], category: String = "billing") -> Point {
        Point(id: UUID.v5(namespace: .supportKitChunks, name: name), vector: vector, payload: [
            ChunkKey.docId: .string(name), ChunkKey.category: .string(category), ChunkKey.text: .string(text),
            ChunkKey.headingPath: .list([.string("Guide"), .string(name)]),
        ])
    }

    static func withStore(_ body: (SQLiteVectorStore, String) async throws -> Void) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.url.appendingPathComponent("store.sqlite").path
        try await body(try SQLiteVectorStore(path: path), path)
    }

    @Test func bm25OfOneCollectionIgnoresTheOthers() async throws {
        try await Self.withStore { store, _ in
            try await store.prepareCollection(.knowledge("a", embedder: Self.fingerprint))
            try await store.upsert([
                Self.chunkPoint("refund-time", "Refunds reach your card within ten days of the return"),
                Self.chunkPoint("refund-store", "Store credit refunds are instant"),
                Self.chunkPoint("card-update", "Update the card on file from the billing page"),
                Self.chunkPoint("shipping", "Shipping is free over fifty dollars"),
            ], into: "a")
            let query = "how long does a card refund take"
            let before = try await store.lexicalSearch(query, in: "a", filter: nil, limit: 10)
            #expect(before.count == 3)
            // Chat traffic into other collections, heavy on the query's words.
            let memory = CollectionSpec(name: "memory", dimension: 2, embedder: Self.fingerprint, indexedKeys: ["customer_id"], fullTextKeys: [ChunkKey.text])
            try await store.prepareCollection(memory)
            try await store.prepareCollection(.knowledge("b", embedder: Self.fingerprint))
            try await store.upsert((0..<300).map { Self.chunkPoint("m\($0)", "my card refund \($0) has not arrived, refund please") }, into: "memory")
            try await store.upsert((0..<100).map { Self.chunkPoint("b\($0)", "refund card refund card") }, into: "b")
            let after = try await store.lexicalSearch(query, in: "a", filter: nil, limit: 10)
            #expect(after.map(\.id) == before.map(\.id))
            #expect(after.map(\.score) == before.map(\.score))
            // A filter on a declared key is applied inside the full-text query.
            let billing = try await store.lexicalSearch(query, in: "a", filter: Filter(must: [FieldMatch(ChunkKey.docId, "card-update")]), limit: 10)
            #expect(billing.map { $0.payload[ChunkKey.docId]?.stringValue } == ["card-update"])
            // A collection without full-text keys has nothing to rank.
            try await store.prepareCollection(CollectionSpec(name: "bare", dimension: 2, embedder: Self.fingerprint))
            try await store.upsert([Self.chunkPoint("x", "card refund")], into: "bare")
            #expect(try await store.lexicalSearch(query, in: "bare", filter: nil, limit: 10).isEmpty)
        }
    }

    @Test func deleteCollectionDropsItsFullTextTable() async throws {
        try await Self.withStore { store, _ in
            try await store.prepareCollection(.knowledge("kb", embedder: Self.fingerprint))
            try await store.upsert([Self.chunkPoint("a", "refunds take ten days")], into: "kb")
            let table = try #require(try await store.database.pool.read { try StoredCollection.fetch("kb", $0)?.fullTextTable })
            #expect(try await store.database.pool.read { try $0.tableExists(table) })
            try await store.deleteCollection("kb")
            #expect(try await store.database.pool.read { try $0.tableExists(table) } == false)
            #expect(try await store.database.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM point_keys") } == 0)
            // Re-created, the collection starts with an empty full-text table.
            try await store.prepareCollection(.knowledge("kb", embedder: Self.fingerprint))
            #expect(try await store.lexicalSearch("refunds", in: "kb", filter: nil, limit: 5).isEmpty)
        }
    }

    @Test func redeclaringFullTextKeysRebuildsTheTable() async throws {
        try await Self.withStore { store, _ in
            let plain = CollectionSpec(name: "kb", dimension: 2, embedder: Self.fingerprint)
            try await store.prepareCollection(plain)
            try await store.upsert([Self.chunkPoint("a", "refunds take ten days"), Self.chunkPoint("b", "shipping is free")], into: "kb")
            #expect(try await store.lexicalSearch("refunds", in: "kb", filter: nil, limit: 5).isEmpty)
            try await store.prepareCollection(.knowledge("kb", embedder: Self.fingerprint))
            #expect(try await store.lexicalSearch("refunds", in: "kb", filter: nil, limit: 5).map { $0.payload[ChunkKey.docId]?.stringValue } == ["a"])
            // Heading path words count once the heading path is declared.
            #expect(try await store.lexicalSearch("guide", in: "kb", filter: nil, limit: 5).count == 2)
            // A spec that declares nothing only asks for the collection to exist: the declaration stays.
            try await store.prepareCollection(plain)
            #expect(try await store.lexicalSearch("refunds", in: "kb", filter: nil, limit: 5).count == 1)
            // Declaring keys without full text drops the full-text table.
            try await store.prepareCollection(CollectionSpec(name: "kb", dimension: 2, embedder: Self.fingerprint, indexedKeys: [ChunkKey.docId]))
            #expect(try await store.lexicalSearch("refunds", in: "kb", filter: nil, limit: 5).isEmpty)
            #expect(try await store.database.pool.read { try StoredCollection.fetch("kb", $0)?.fullTextTable } == nil)
        }
    }

    /// Writes a file in the v1 schema, as a store built before declared keys left it.
    static func writeV1Store(at path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                INSERT INTO grdb_migrations VALUES ('v1: collections, points, fts, manifest, embedding cache');
                CREATE TABLE collections (
                    name TEXT PRIMARY KEY, dimension INTEGER NOT NULL, distance TEXT NOT NULL,
                    embedder_name TEXT NOT NULL, embedder_version TEXT NOT NULL, revision INTEGER NOT NULL DEFAULT 0,
                    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
                CREATE TABLE points (
                    collection TEXT NOT NULL REFERENCES collections(name) ON DELETE CASCADE, id TEXT NOT NULL,
                    doc_id TEXT, category TEXT, payload TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (collection, id)
                ) WITHOUT ROWID;
                CREATE INDEX points_doc ON points(collection, doc_id);
                CREATE INDEX points_category ON points(collection, category);
                CREATE VIRTUAL TABLE points_fts USING fts5(text, collection UNINDEXED, point_id UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2');
                CREATE TABLE manifest (
                    collection TEXT NOT NULL, doc_id TEXT NOT NULL, source_path TEXT NOT NULL, doc_hash TEXT NOT NULL,
                    chunk_ids TEXT NOT NULL, chunk_hashes TEXT NOT NULL,
                    ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), PRIMARY KEY (collection, doc_id));
                CREATE TABLE manifest_files (
                    collection TEXT NOT NULL, source_path TEXT NOT NULL, size INTEGER NOT NULL, mtime REAL NOT NULL,
                    file_hash TEXT NOT NULL, PRIMARY KEY (collection, source_path));
                CREATE TABLE embedding_cache (
                    fingerprint TEXT NOT NULL, text_hash TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (fingerprint, text_hash)
                ) WITHOUT ROWID;
                INSERT INTO collections (name, dimension, distance, embedder_name, embedder_version, revision)
                    VALUES ('support_knowledge', 2, 'cosine', 't', '1', 3), ('customer_context', 2, 'cosine', 't', '1', 1);
                """)
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            func insert(_ collection: String, _ point: Point, text: String) throws {
                let id = point.id.uuidString
                try db.execute(
                    sql: "INSERT INTO points (collection, id, doc_id, category, payload, vector) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [collection, id, point.payload[ChunkKey.docId]?.stringValue, point.payload[ChunkKey.category]?.stringValue,
                                String(decoding: try encoder.encode(point.payload), as: UTF8.self), point.vector.blob])
                try db.execute(
                    sql: "INSERT INTO points_fts (rowid, text, collection, point_id) VALUES (?, ?, ?, ?)",
                    arguments: [SQLiteVectorStore.textRowID(collection, id), text, collection, id])
            }
            for (name, body, vector, category) in [("refunds", "Refunds reach your card in ten days", [Float(1), 0], "billing"),
                                                   ("shipping", "Shipping is free over fifty dollars", [0, 1], "orders"),
                                                   ("cards", "Gift cards never expire", [0.7, 0.7], "billing")] {
                try insert(Collections.knowledge, chunkPoint(name, body, vector, category: category), text: "Guide \(name)\n" + body)
            }
            let memory = Point(id: UUID.v5(namespace: .supportKitChunks, name: "memory-1"), vector: [1, 0], payload: [
                "customer_id": .string("c1"), "kind": .string("interaction"), "category": .string("billing"),
                ChunkKey.text: .string("asked where the refund is"),
            ])
            try insert(Collections.customerContext, memory, text: "\nasked where the refund is")
        }
    }

    @Test func aV1StoreMigratesKeepingPointsFiltersAndFullText() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.url.appendingPathComponent("v1.sqlite").path
        try Self.writeV1Store(at: path)
        let store = try SQLiteVectorStore(path: path)
        let knowledge = try #require(try await store.collection(named: Collections.knowledge))
        #expect(knowledge == .knowledge(Collections.knowledge, embedder: Self.fingerprint))
        #expect(try await store.count(in: Collections.knowledge, filter: nil) == 3)
        #expect(try await store.count(in: Collections.knowledge, filter: Filter(must: [FieldMatch(ChunkKey.category, "billing")])) == 2)
        let page = try await store.scroll(
            Collections.knowledge, filter: Filter(must: [FieldMatch(ChunkKey.docId, "shipping")]), offset: nil, limit: 5, withVectors: true)
        #expect(page.points.map(\.vector) == [[0, 1]])
        let dense = try await store.search([1, 0], in: Collections.knowledge, filter: Filter(must: [FieldMatch(ChunkKey.category, "billing")]), limit: 5)
        #expect(dense.map { $0.payload[ChunkKey.docId]?.stringValue } == ["refunds", "cards"])
        let words = try await store.lexicalSearch("when does my refund arrive", in: Collections.knowledge, filter: nil, limit: 5)
        #expect(words.map { $0.payload[ChunkKey.docId]?.stringValue } == ["refunds"])
        // The memory collection's text moved to a table of its own: the knowledge base no longer sees it.
        let memory = try #require(try await store.collection(named: Collections.customerContext))
        #expect(memory.fullTextKeys == [ChunkKey.headingPath, ChunkKey.text])
        #expect(try await store.lexicalSearch("refund", in: Collections.customerContext, filter: nil, limit: 5).count == 1)

        // The schema: one table per collection, no shared table, no knowledge-chunk columns.
        try await store.database.pool.read { db in
            #expect(try db.tableExists("points_fts") == false)
            #expect(try db.columns(in: "points").map(\.name) == ["collection", "id", "payload", "vector"])
            #expect(try db.indexes(on: "points").filter { $0.name == "points_doc" || $0.name == "points_category" }.isEmpty)
            let tables = try String.fetchAll(db, sql: "SELECT full_text_table FROM collections WHERE full_text_table IS NOT NULL")
            #expect(Set(tables).count == 2)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM point_keys WHERE collection = ?", arguments: [Collections.knowledge]) == 6)
        }

        // A migrated point's text is replaced, not doubled, when the point is rewritten (same full-text rowid).
        var rewritten = Self.chunkPoint("refunds", "Returns are accepted for thirty days")
        rewritten.payload[ChunkKey.headingPath] = .list([.string("Guide"), .string("Returns")])
        try await store.upsert([rewritten], into: Collections.knowledge)
        #expect(try await store.lexicalSearch("refund", in: Collections.knowledge, filter: nil, limit: 5).isEmpty)
        #expect(try await store.lexicalSearch("returns", in: Collections.knowledge, filter: nil, limit: 5).count == 1)

        // The memory collection declared the way CustomerMemory does: indexed by customer, no full text.
        try await store.prepareCollection(CollectionSpec(
            name: Collections.customerContext, dimension: 2, embedder: Self.fingerprint, indexedKeys: ["customer_id", "kind"]))
        #expect(try await store.lexicalSearch("refund", in: Collections.customerContext, filter: nil, limit: 5).isEmpty)
        #expect(try await store.count(in: Collections.customerContext, filter: Filter(must: [FieldMatch("customer_id", "c1")])) == 1)
        #expect(try await store.database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM point_keys WHERE collection = ? AND key = 'customer_id'", arguments: [Collections.customerContext])
        } == 1)
    }

    @Test func theFollowedIndexSearchesLikeAFreshLoad() async throws {
        try await Self.withStore { store, path in
            let spec = CollectionSpec(name: "m", dimension: 2, embedder: Self.fingerprint, indexedKeys: ["customer_id"])
            try await store.prepareCollection(spec)
            // Few distinct directions, so that many scores tie and the id tie-break decides the order.
            let directions: [[Float]] = [[1, 0], [0, 1], [1, 1], [2, 2], [-1, 0]]
            var random = SplitMix(seed: 42)
            func point(_ index: Int) -> Point {
                Point(id: UUID.v5(namespace: .supportKitChunks, name: "p\(index)"),
                      vector: directions[Int(random.next() % UInt64(directions.count))],
                      payload: ["customer_id": .string("c\(random.next() % 4)"), "n": .integer(Int64(index))])
            }
            try await store.upsert((0..<60).map(point), into: "m")
            _ = try await store.search([1, 0], in: "m", filter: nil, limit: 1)   // loads the matrix
            for round in 0..<20 {
                try await store.upsert((0..<5).map { _ in point(Int(random.next() % 90)) }, into: "m")
                if round % 3 == 0 {
                    try await store.delete(in: "m", matching: Filter(must: [FieldMatch("customer_id", "c\(round % 4)"), FieldMatch("n", "\(random.next() % 90)")]))
                }
                let victims = Set((0..<3).map { _ in UUID.v5(namespace: .supportKitChunks, name: "p\(random.next() % 90)") })
                try await store.delete(in: "m", matching: Filter(ids: victims))
            }
            let revision = try await store.database.pool.read { try StoredCollection.fetch("m", $0)?.revision }
            #expect(store.cachedRevision(of: "m") == revision, "the writes were followed, not reloaded")
            let fresh = try SQLiteVectorStore(path: path)
            let filters: [Filter?] = [nil, Filter(must: [FieldMatch("customer_id", "c1")]), Filter(must: [FieldMatch(key: "customer_id", anyOf: ["c0", "c3"])])]
            for query in directions + [[0.3, -0.2]] {
                for filter in filters {
                    for limit in [1, 7, 100] {
                        let followed = try await store.search(query, in: "m", filter: filter, limit: limit)
                        let loaded = try await fresh.search(query, in: "m", filter: filter, limit: limit)
                        #expect(followed.map(\.id) == loaded.map(\.id))
                        #expect(followed.map(\.score) == loaded.map(\.score))
                        for (first, second) in zip(followed, followed.dropFirst()) where first.score == second.score {
                            #expect(first.id.uuidString < second.id.uuidString)
                        }
                    }
                }
            }
            #expect(try await store.count(in: "m", filter: nil) == (try await store.search([1, 0], in: "m", filter: nil, limit: 1000).count))
        }
    }
}

/// A small deterministic generator, so the interleaving of writes is the same every run.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SQLiteDeclaredIndexTests {
    /// Turns of different conversations write memory at the same time: the cache must follow every write, in
    /// revision order, rather than drop itself (a whole-collection reload on the next search) when a later
    /// revision's update arrives first.
    /// Memory reads a customer's rows from the cached index (no SQL, no payload decoding): its pages and
    /// counts must be exactly what SQL gives, offsets and filters on unindexed keys included.
    @Test func scrollsAndCountsFromTheCacheMatchSQL() async throws {
        try await Self.withStore { store, path in
            let spec = CollectionSpec(name: "m", dimension: 2, embedder: Self.fingerprint, indexedKeys: ["customer_id", "kind", "resolved"])
            try await store.prepareCollection(spec)
            var random = SplitMix(seed: 7)
            var points: [Point] = []
            for index in 0..<300 {
                let customer = "c\(random.next() % 5)"
                let kind = index % 10 == 0 ? "profile" : "interaction"
                let payload: Payload = [
                    "customer_id": .string(customer), "kind": .string(kind),
                    "resolved": .bool(random.next() % 3 == 0), "n": .integer(Int64(index % 7)),
                ]
                points.append(Point(id: UUID.v5(namespace: .supportKitChunks, name: "q\(index)"), vector: [1, Float(index)], payload: payload))
            }
            try await store.upsert(points, into: "m")
            _ = try await store.search([1, 0], in: "m", filter: nil, limit: 1)   // loads the matrix
            let loads = store.indexLoads
            let sql = try SQLiteVectorStore(path: path)   // no cache: answers from SQL
            let filters: [Filter] = [
                Filter(must: [FieldMatch("customer_id", "c2")]),
                Filter(must: [FieldMatch("customer_id", "c1"), FieldMatch("kind", "interaction"), FieldMatch("resolved", "false")]),
                Filter(must: [FieldMatch(key: "customer_id", anyOf: ["c0", "c4"]), FieldMatch("n", "3")]),
                Filter(must: [FieldMatch("kind", "profile")], mustNot: [FieldMatch("customer_id", "c3")]),
                Filter(must: [FieldMatch("customer_id", "nobody")]),
                Filter(ids: Set(points.prefix(40).map(\.id))),
            ]
            for filter in filters {
                for pageSize in [1, 7, 500] {
                    var cached: [UUID] = [], fromSQL: [UUID] = []
                    var offset: UUID?
                    repeat {
                        let page = try await store.scroll("m", filter: filter, offset: offset, limit: pageSize, withVectors: false)
                        cached += page.points.map(\.id)
                        offset = page.next
                    } while offset != nil
                    repeat {
                        let page = try await sql.scroll("m", filter: filter, offset: offset, limit: pageSize, withVectors: false)
                        fromSQL += page.points.map(\.id)
                        offset = page.next
                    } while offset != nil
                    #expect(cached == fromSQL)
                }
                #expect(try await store.count(in: "m", filter: filter) == (try await sql.count(in: "m", filter: filter)))
            }
            #expect(store.indexLoads == loads)
        }
    }

    @Test func searchesDuringConcurrentWritesUseTheFollowedCache() async throws {
        try await Self.withStore { store, path in
            let spec = CollectionSpec(name: "m", dimension: 2, embedder: Self.fingerprint, indexedKeys: ["customer_id"])
            try await store.prepareCollection(spec)
            try await store.upsert([Point(id: UUID(), vector: [1, 0], payload: ["customer_id": .string("seed")])], into: "m")
            _ = try await store.search([1, 0], in: "m", filter: nil, limit: 1)   // loads the matrix
            #expect(store.indexLoads == 1)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<4 {
                    group.addTask {
                        for index in 0..<40 {
                            try await store.upsert([Point(id: UUID(), vector: [1, Float(index)], payload: ["customer_id": .string("c\(writer)")])], into: "m")
                        }
                    }
                }
                // Readers between the writes: a search that read the revision just before a commit and
                // looked at the cache just after it must not reload the collection.
                for reader in 0..<4 {
                    group.addTask {
                        for _ in 0..<80 {
                            _ = try await store.search([1, 0], in: "m", filter: Filter(must: [FieldMatch("customer_id", "c\(reader)")]), limit: 3)
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(store.indexLoads == 1, "searches under write load reloaded the collection")
            #expect(try await store.search([1, 0], in: "m", filter: nil, limit: 500).count == 161)

            // Another process's write is past anything this cache followed: the next search reloads.
            let other = try SQLiteVectorStore(path: path)
            try await other.upsert([Point(id: UUID(), vector: [0, 1], payload: ["customer_id": .string("other")])], into: "m")
            #expect(try await store.search([0, 1], in: "m", filter: Filter(must: [FieldMatch("customer_id", "other")]), limit: 1).count == 1)
            #expect(store.indexLoads == 2)
        }
    }

    /// Per-turn lookups run on the calling thread. Taken from the pool's readers, they hung `serve` under load:
    /// with every reader held by an async read, which releases it on a cooperative thread, cooperative threads
    /// blocked in lookups never let them go. Many more concurrent lookups than readers (5) or cooperative
    /// threads, mixed with async reads and writes, must all finish.
    @Test func lookupsAndAsyncReadsUnderLoadNeverDeadlock() async throws {
        try await Self.withStore { store, _ in
            try await store.prepareCollection(.knowledge("kb", embedder: Self.fingerprint))
            try await store.upsert((0..<200).map { Self.chunkPoint("doc-\($0)", "refund card order \($0)", [1, Float($0)]) }, into: "kb")
            // A watchdog outside the cooperative pool: a deadlock fails the run instead of hanging it.
            let finished = Mutex(false)
            let watchdog = Thread {
                for _ in 0..<1_200 {
                    if finished.withLock({ $0 }) { return }
                    Thread.sleep(forTimeInterval: 0.1)
                }
                FileHandle.standardError.write(Data("lookupsAndAsyncReadsUnderLoadNeverDeadlock: no progress in 120 s (deadlock)\n".utf8))
                exit(1)
            }
            watchdog.start()
            defer { finished.withLock { $0 = true } }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<48 {
                    group.addTask {
                        for round in 0..<25 {
                            switch (task + round) % 4 {
                            case 0: _ = try await store.search([1, 0], in: "kb", filter: Filter(must: [FieldMatch(ChunkKey.category, "billing")]), limit: 5)
                            case 1: _ = try await store.lexicalSearch("refund order", in: "kb", filter: nil, limit: 5)
                            case 2: _ = try await store.scroll("kb", filter: nil, offset: nil, limit: 50, withVectors: true)   // an async pool read
                            default: try await store.upsert([Self.chunkPoint("w-\(task)-\(round)", "written \(round)")], into: "kb")
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.count(in: "kb", filter: nil) == 200 + 48 * 25 / 4)
        }
    }

    @Test func concurrentWritersAreFollowedWithoutAReload() async throws {
        try await Self.withStore { store, path in
            let spec = CollectionSpec(name: "m", dimension: 2, embedder: Self.fingerprint, indexedKeys: ["customer_id"])
            try await store.prepareCollection(spec)
            try await store.upsert([Point(id: UUID(), vector: [1, 0], payload: ["customer_id": .string("seed")])], into: "m")
            _ = try await store.search([1, 0], in: "m", filter: nil, limit: 1)   // loads the matrix
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        for index in 0..<25 {
                            let id = UUID.v5(namespace: .supportKitChunks, name: "w\(writer)-\(index)")
                            try await store.upsert(
                                [Point(id: id, vector: [Float(writer + 1), Float(index)], payload: ["customer_id": .string("c\(writer)")])], into: "m")
                            _ = try await store.search([1, 0], in: "m", filter: Filter(must: [FieldMatch("customer_id", "c\(writer)")]), limit: 3)
                            if index % 5 == 4 { try await store.delete(in: "m", matching: Filter(ids: [id])) }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let revision = try await store.database.pool.read { try StoredCollection.fetch("m", $0)?.revision }
            #expect(store.cachedRevision(of: "m") == revision, "the writes were followed, not reloaded")
            let fresh = try SQLiteVectorStore(path: path)
            let followed = try await store.search([1, 1], in: "m", filter: nil, limit: 500)
            let loaded = try await fresh.search([1, 1], in: "m", filter: nil, limit: 500)
            #expect(followed.count == 1 + 8 * 20)
            #expect(followed.map(\.id) == loaded.map(\.id))
        }
    }
}
