import Foundation
import GRDB
import SupportKit
import Synchronization

/// The embedded vector store: points in SQLite, exact cosine search over an in-memory matrix.
///
/// Vectors of a collection are loaded once into one contiguous, row-normalized matrix and kept until a
/// write changes the collection's revision (also when another process writes), so a search is a
/// matrix-vector product plus a heap, with no per-row decoding; this process's own writes are followed in
/// place. Every write call is one transaction.
///
/// A collection's declared keys (`CollectionSpec.indexedKeys`) are indexed in `point_keys`, one row per
/// (key, value text, point), and in the cached matrix's postings, so a filter's `must` conditions on them
/// read only the matching points; its full-text keys feed an FTS5 table of its own, so BM25 statistics of
/// one collection never count another's rows.
public final class SQLiteVectorStore: VectorStore, LexicalSearching, Sendable {
    public let database: StoreDatabase
    /// Collections searched from the file, one filtered read at a time, and never held in memory whole (see
    /// ``init(database:diskResident:)``).
    public let diskResident: Set<String>
    private let indexes = Mutex<[String: VectorIndex]>([:])
    /// How many times this process read a whole collection into its cache.
    private let loads = Mutex(0)

    /// A store over `database`.
    ///
    /// - Parameter diskResident: Collections whose searches read only the points their filter's indexed
    ///   conditions select, straight from the file, instead of a cached matrix of the whole collection. For a
    ///   collection that grows without bound and is always searched within one small partition (customer
    ///   memory: every recall filters on one `customer_id`), this bounds the process's memory by SQLite's page
    ///   cache instead of the collection's size. A search without an indexed condition reads the whole
    ///   collection each time.
    public init(database: StoreDatabase, diskResident: Set<String> = []) {
        self.database = database
        self.diskResident = diskResident
    }

    /// Opens the store at `path` (created when missing).
    public convenience init(path: String) throws {
        self.init(database: try StoreDatabase(path: path))
    }

    // MARK: Collections

    public func prepareCollection(_ spec: CollectionSpec) async throws {
        // The common case, a collection that is already as declared, is a read: memory prepares its collection
        // on every turn, and a write transaction per turn would serialize the server's turns on the file lock.
        let current = try await database.pool.read { db in try StoredCollection.fetch(spec.name, db) }
        if let current {
            try current.spec.checkCompatible(with: spec)
            if !current.spec.declaresOtherKeys(than: spec) { return }
        }
        let redeclared = try await database.pool.write(file: database.path) { db -> Bool in
            if let existing = try StoredCollection.fetch(spec.name, db) {
                try existing.spec.checkCompatible(with: spec)
                guard existing.spec.declaresOtherKeys(than: spec) else { return false }
                try self.redeclare(existing, as: spec, db)
                return true
            }
            try db.execute(
                sql: """
                    INSERT INTO collections (name, dimension, distance, embedder_name, embedder_version, indexed_keys, full_text_keys)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    spec.name, spec.dimension, spec.distance.rawValue, spec.embedder.name, spec.embedder.version,
                    CollectionColumns.encode(spec.indexedKeys), CollectionColumns.encode(spec.fullTextKeys),
                ])
            if !spec.fullTextKeys.isEmpty {
                let table = try FullTextTable.create(for: spec.name, db)
                try db.execute(sql: "UPDATE collections SET full_text_table = ? WHERE name = ?", arguments: [table, spec.name])
            }
            return false
        }
        if redeclared { indexes.withLock { $0[spec.name] = nil } }
    }

    /// Records `spec`'s keys for `existing` and rebuilds what they change (its point_keys rows, its full-text
    /// table) from the stored payloads, in the caller's transaction: a store written before the keys were
    /// declared gets its indexes on first use, and a crash leaves the old declaration with the old indexes.
    private func redeclare(_ existing: StoredCollection, as spec: CollectionSpec, _ db: Database) throws {
        let name = existing.spec.name
        let reindexKeys = Set(existing.spec.indexedKeys) != Set(spec.indexedKeys)
        let rebuildText = existing.spec.fullTextKeys != spec.fullTextKeys
        try db.execute(
            sql: "UPDATE collections SET indexed_keys = ?, full_text_keys = ? WHERE name = ?",
            arguments: [CollectionColumns.encode(spec.indexedKeys), CollectionColumns.encode(spec.fullTextKeys), name])
        var textTable = existing.fullTextTable
        if reindexKeys {
            try db.execute(sql: "DELETE FROM point_keys WHERE collection = ?", arguments: [name])
        }
        if rebuildText {
            if let old = textTable { try db.execute(sql: "DROP TABLE IF EXISTS \(old.quotedDatabaseIdentifier)") }
            textTable = spec.fullTextKeys.isEmpty ? nil : try FullTextTable.create(for: name, db)
            try db.execute(sql: "UPDATE collections SET full_text_table = ? WHERE name = ?", arguments: [textTable, name])
        }
        if reindexKeys || rebuildText {
            let writer = try PointIndexWriter(
                collection: name, indexedKeys: reindexKeys ? spec.indexedKeys : [],
                fullText: rebuildText ? textTable.map { ($0, spec.fullTextKeys) } : nil, db)
            let decoder = JSONDecoder()
            let rows = try Row.fetchCursor(db, sql: "SELECT id, payload FROM points WHERE collection = ?", arguments: [name])
            while let row = try rows.next() {
                let payload = try decoder.decode(Payload.self, from: row.dataNoCopy(named: "payload") ?? Data())
                try writer.index(id: row["id"], payload: payload, replacing: false)
            }
        }
        _ = try bumpRevision(name, db)
    }

    public func deleteCollection(_ name: String) async throws {
        try await database.pool.write(file: database.path) { db in
            if let table = try StoredCollection.fetch(name, db)?.fullTextTable {
                try db.execute(sql: "DROP TABLE IF EXISTS \(table.quotedDatabaseIdentifier)")
            }
            try db.execute(sql: "DELETE FROM point_keys WHERE collection = ?", arguments: [name])
            try db.execute(sql: "DELETE FROM points WHERE collection = ?", arguments: [name])
            try db.execute(sql: "DELETE FROM collections WHERE name = ?", arguments: [name])
        }
        indexes.withLock { $0[name] = nil }
    }

    public func collection(named name: String) async throws -> CollectionSpec? {
        try database.lookup { db in try StoredCollection.fetch(name, db)?.spec }
    }

    private func requireCollection(_ name: String, _ db: Database) throws -> StoredCollection {
        guard let stored = try StoredCollection.fetch(name, db) else { throw SupportKitError.missingCollection(name) }
        return stored
    }

    // MARK: Writes

    public func upsert(_ points: [Point], into collection: String) async throws {
        guard !points.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let rows = try points.map { point -> (Point, String) in
            (point, String(decoding: try encoder.encode(point.payload), as: UTF8.self))
        }
        try await followingWrites(of: collection) { db in
            let stored = try self.requireCollection(collection, db)
            let spec = stored.spec
            let insert = try db.cachedStatement(sql: """
                INSERT INTO points (collection, id, payload, vector) VALUES (?, ?, ?, ?)
                ON CONFLICT (collection, id) DO UPDATE SET vector = excluded.vector, payload = excluded.payload
                """)
            let writer = try PointIndexWriter(
                collection: collection, indexedKeys: spec.indexedKeys,
                fullText: stored.fullTextTable.map { ($0, spec.fullTextKeys) }, db)
            for (point, payload) in rows {
                try spec.checkDimension(of: point.vector)
                let id = point.id.uuidString
                try insert.execute(arguments: [collection, id, payload, point.vector.blob])
                try writer.index(id: id, payload: point.payload, replacing: true)
            }
            let revision = try self.bumpRevision(collection, db)
            return { index in index.apply(points, revision: revision) }
        }
    }

    /// Runs `write` in a write transaction and applies the change it returns to this process's cached matrix
    /// of `collection`, instead of reloading the whole collection on the next search (memory writes a point
    /// every turn, and a reload per turn would grow with the collection).
    ///
    /// The cache follows inside the transaction, where writes are serialized: turns that write concurrently
    /// then apply their changes in revision order, where applying them after the commit would let a later
    /// revision arrive first and throw the cache away. Between the closure and the commit the cache is one
    /// revision ahead of the file, which a search of this process takes (it reads its own write); a failed
    /// commit drops the cache.
    private func followingWrites(
        of collection: String, _ write: @escaping @Sendable (Database) throws -> (@Sendable (inout VectorIndex) -> Void)?
    ) async throws {
        do {
            try await database.pool.write(file: database.path) { db in
                guard let change = try write(db) else { return }
                let revision = try Self.revision(of: collection, db) ?? 0
                self.indexes.withLock { cache in
                    guard cache[collection]?.revision == revision - 1 else {
                        cache[collection] = nil
                        return
                    }
                    change(&cache[collection]!)
                }
            }
        } catch {
            indexes.withLock { $0[collection] = nil }
            throw error
        }
    }

    /// The full-text row of a point: a 63-bit hash of (collection, id), so that replacing or deleting a
    /// point's text is a rowid lookup rather than a scan of the FTS table. (v1 kept all collections in one
    /// table; the v2 migration copied the rows with these rowids, so the hash still covers the collection.)
    static func textRowID(_ collection: String, _ id: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in collection.utf8 + [0x1F] + id.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        hash ^= hash >> 33
        hash &*= 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        return Int64(bitPattern: hash & 0x7FFF_FFFF_FFFF_FFFF)
    }

    public func delete(in collection: String, matching filter: Filter) async throws {
        try await followingWrites(of: collection) { db in
            guard let stored = try StoredCollection.fetch(collection, db) else { return nil }
            let ids = try self.matchingIDs(stored, filter, db)
            guard !ids.isEmpty else { return nil }
            let deletePoint = try db.cachedStatement(sql: "DELETE FROM points WHERE collection = ? AND id = ?")
            let writer = try PointIndexWriter(
                collection: collection, indexedKeys: stored.spec.indexedKeys,
                fullText: stored.fullTextTable.map { ($0, stored.spec.fullTextKeys) }, db)
            for id in ids {
                try deletePoint.execute(arguments: [collection, id])
                try writer.unindex(id: id)
            }
            let revision = try self.bumpRevision(collection, db)
            let removed = Set(ids.compactMap(UUID.init(uuidString:)))
            return { index in index.remove(removed, revision: revision) }
        }
    }

    /// Increments the collection's revision (which invalidates cached matrices in every process) and returns it.
    private func bumpRevision(_ collection: String, _ db: Database) throws -> Int {
        try db.cachedStatement(sql: "UPDATE collections SET revision = revision + 1 WHERE name = ?").execute(arguments: [collection])
        return try Self.revision(of: collection, db) ?? 0
    }

    /// Ids of points passing `filter`; payloads are decoded only for conditions the indexes cannot answer.
    private func matchingIDs(_ stored: StoredCollection, _ filter: Filter, _ db: Database) throws -> [String] {
        guard let pushed = indexedConditions(filter, in: stored.spec, column: "points.id") else { return [] }
        let sql = "SELECT id\(pushed.isComplete ? "" : ", payload") FROM points WHERE collection = ?" + pushed.sql
        let arguments: StatementArguments = [stored.spec.name] + pushed.arguments
        if pushed.isComplete { return try String.fetchAll(db, sql: sql, arguments: arguments) }
        let decoder = JSONDecoder()
        var ids: [String] = []
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
            let idString: String = row["id"]
            guard let id = UUID(uuidString: idString) else { continue }
            let payload = try decoder.decode(Payload.self, from: row.dataNoCopy(named: "payload") ?? Data())
            if filter.matches(id: id, payload: payload) { ids.append(idString) }
        }
        return ids
    }

    // MARK: Reads

    public func search(_ vector: [Float], in collection: String, filter: Filter?, limit: Int) async throws -> [ScoredPoint] {
        let query = VectorMath.normalized(vector)
        if diskResident.contains(collection) { return try await searchFile(query, in: collection, filter: filter, limit: limit) }
        return try await withCurrentIndex(collection) { index in
            guard vector.count == index.dimension else {
                throw SupportKitError(.invalidInput, "query vector has dimension \(vector.count) but collection \"\(collection)\" holds \(index.dimension)")
            }
            return index.search(query, filter: filter, limit: limit)
        }
    }

    /// A search of a disk-resident collection: the points the filter's indexed conditions select, scored as
    /// they are read, with the index's order (higher score first, then the smaller id).
    private func searchFile(_ query: [Float], in collection: String, filter: Filter?, limit: Int) async throws -> [ScoredPoint] {
        guard limit > 0 else { return [] }
        return try await database.pool.read { db in
            let stored = try self.requireCollection(collection, db)
            guard query.count == stored.spec.dimension else {
                throw SupportKitError(.invalidInput, "query vector has dimension \(query.count) but collection \"\(collection)\" holds \(stored.spec.dimension)")
            }
            let pushed = filter.map { self.indexedConditions($0, in: stored.spec, column: "points.id") }
            if case .some(.none) = pushed { return [] }
            let conditions = pushed ?? nil
            var sql = "SELECT id, payload, vector FROM points WHERE collection = ?"
            var arguments: StatementArguments = [collection]
            if let conditions {
                sql += conditions.sql
                arguments += conditions.arguments
            }
            let decoder = JSONDecoder()
            var top = TopK<ScoredPoint, PointOrder>(limit: limit)
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() {
                guard let id = UUID(uuidString: row["id"]) else { continue }
                let payload = try decoder.decode(Payload.self, from: row.dataNoCopy(named: "payload") ?? Data())
                if let filter, conditions?.isComplete != true, !filter.matches(id: id, payload: payload) { continue }
                let stored = VectorMath.normalized([Float](blob: row["vector"]))
                guard stored.count == query.count else { continue }
                let score = query.withUnsafeBufferPointer { q in stored.withUnsafeBufferPointer { VectorMath.dot(q, $0) } }
                if score >= top.threshold || top.threshold == -.infinity {
                    top.insert(ScoredPoint(id: id, score: score, payload: payload), score: score, key: PointOrder(id))
                }
            }
            return top.sorted()
        }
    }

    public func scroll(
        _ collection: String, filter: Filter?, offset: UUID?, limit: Int, withVectors: Bool
    ) async throws -> (points: [Point], next: UUID?) {
        // Memory reads the customer's open issues every turn: from the cached index that is a look at the
        // rows of one customer, where SQL would read and decode their pages, cold after every write.
        if !withVectors, let page = try await withCachedIndex(collection, { $0.scroll(filter, offset: offset, limit: limit) }) ?? nil {
            return page
        }
        return try await database.pool.read { db in
            let stored = try self.requireCollection(collection, db)
            let pushed = filter.map { self.indexedConditions($0, in: stored.spec, column: "points.id") }
            if case .some(.none) = pushed { return ([], nil) }
            let conditions = pushed ?? nil
            var sql = "SELECT id, payload\(withVectors ? ", vector" : "") FROM points WHERE collection = ?"
            var arguments: StatementArguments = [collection]
            if let offset {
                // With an indexed condition, `+id` keeps the offset from being used as the index range: SQLite
                // would then walk the rest of the collection in id order instead of looking up the matching ids
                // (already in id order), once per document during an ingest.
                sql += conditions?.narrows == true ? " AND +id >= ?" : " AND id >= ?"
                arguments += [offset.uuidString]
            }
            if let conditions {
                sql += conditions.sql
                arguments += conditions.arguments
            }
            sql += " ORDER BY id"
            let decoder = JSONDecoder()
            var points: [Point] = []
            var next: UUID?
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() {
                guard let id = UUID(uuidString: row["id"]) else { continue }
                let payload = try decoder.decode(Payload.self, from: row.dataNoCopy(named: "payload") ?? Data())
                if let filter, conditions?.isComplete != true, !filter.matches(id: id, payload: payload) { continue }
                if points.count == limit {
                    next = id
                    break
                }
                let vector: [Float] = withVectors ? [Float](blob: row["vector"]) : []
                points.append(Point(id: id, vector: vector, payload: payload))
            }
            return (points, next)
        }
    }

    public func count(in collection: String, filter: Filter?) async throws -> Int {
        if let count = try await withCachedIndex(collection, { $0.count(filter) }) { return count }
        return try await database.pool.read { db in
            guard let stored = try StoredCollection.fetch(collection, db) else { return 0 }
            guard let filter else {
                return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM points WHERE collection = ?", arguments: [collection]) ?? 0
            }
            guard let pushed = self.indexedConditions(filter, in: stored.spec, column: "points.id") else { return 0 }
            if pushed.isComplete {
                return try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM points WHERE collection = ?" + pushed.sql,
                    arguments: [collection] + pushed.arguments) ?? 0
            }
            return try self.matchingIDs(stored, filter, db).count
        }
    }

    /// BM25 over the collection's own full-text table (`CollectionSpec.fullTextKeys`); a collection without
    /// full-text keys gives no points, like a query with no words.
    public func lexicalSearch(_ query: String, in collection: String, filter: Filter?, limit: Int) async throws -> [ScoredPoint] {
        let terms = FullTextQuery.terms(query)
        guard !terms.isEmpty, limit > 0 else { return [] }
        // BM25 over every match takes a millisecond or two: a real query, for the pool, not a lookup.
        let ranked = try await database.pool.read { db -> [(id: UUID, rank: Double)] in
            let stored = try self.requireCollection(collection, db)
            // Without a full-text table there is nothing to rank: no need to load the matrix for payloads.
            guard let table = stored.fullTextTable else { return [] }
            let quoted = table.quotedDatabaseIdentifier
            var sql = "SELECT point_id, bm25(\(quoted)) AS rank FROM \(quoted) WHERE \(quoted) MATCH ?"
            var arguments: StatementArguments = [terms.joined(separator: " OR ")]
            var isComplete = filter == nil
            if let filter {
                guard let pushed = self.indexedConditions(filter, in: stored.spec, column: "\(quoted).point_id") else { return [] }
                sql += pushed.sql
                arguments += pushed.arguments
                isComplete = pushed.isComplete
            }
            // Conditions checked on payloads drop rows after the LIMIT: ask for more then.
            sql += " ORDER BY rank LIMIT ?"
            arguments += [isComplete ? limit : limit * 8 + 32]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).compactMap { row in
                UUID(uuidString: row["point_id"]).map { ($0, row["rank"]) }
            }
        }
        guard !ranked.isEmpty else { return [] }
        return try await withCurrentIndex(collection) { index in
            var results: [ScoredPoint] = []
            for (id, rank) in ranked {
                guard let payload = index.payload(of: id), filter?.matches(id: id, payload: payload) ?? true else { continue }
                results.append(ScoredPoint(id: id, score: Float(-rank), payload: payload))
                if results.count == limit { break }
            }
            return results
        }
    }

    // MARK: Index cache

    /// The filter's indexed conditions, driven by the one this process's cached index says matches fewest points.
    private func indexedConditions(_ filter: Filter, in spec: CollectionSpec, column: String) -> IndexedConditions? {
        IndexedConditions(filter, in: spec, column: column) { condition in
            self.indexes.withLock { $0[spec.name]?.postingSize(condition) }
        }
    }

    /// The revision of this process's cached index of `collection`, nil when none is cached (for tests that
    /// check a write was followed rather than reloaded).
    func cachedRevision(of collection: String) -> Int? {
        indexes.withLock { $0[collection]?.revision }
    }

    /// How many whole-collection loads this store has made (for tests that check searches under write load
    /// use the followed cache).
    var indexLoads: Int { loads.withLock { $0 } }

    /// Runs `body` on this process's cached index of `collection` when it is current; nil (and `body` not
    /// run) when none is cached or another process wrote since, so a one-off read does not load the matrix.
    private func withCachedIndex<T: Sendable>(_ collection: String, _ body: (borrowing VectorIndex) throws -> T) async throws -> T? {
        guard indexes.withLock({ $0[collection] != nil }), let revision = try storedRevision(of: collection) else { return nil }
        return try indexes.withLock { cache in
            guard let cached = cache[collection], cached.revision >= revision else { return nil }
            return try body(cached)
        }
    }

    /// The collection's revision in the file; nil when the collection does not exist. A lookup on the calling
    /// thread (`StoreDatabase.lookup`): it comes before every use of the cached index.
    private func storedRevision(of collection: String) throws -> Int? {
        try database.lookup { db in try Self.revision(of: collection, db) }
    }

    /// The collection's revision as `db` sees it; nil when the collection does not exist.
    private static func revision(of collection: String, _ db: Database) throws -> Int? {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT revision FROM collections WHERE name = ?"), arguments: [collection])
    }

    /// Runs `body` on the current index of `collection`, loading it when this process has none or an old one.
    ///
    /// `body` runs under the cache's lock: a search that held a copy of the index while a write followed into
    /// it would make that write copy the whole matrix (copy-on-write), and under concurrent turns memory
    /// searches are always in flight, so every memory write would cost the size of everyone's memory. Bodies
    /// are short (a scan of the rows a filter leaves, or payload lookups), so holding the lock costs little.
    private func withCurrentIndex<T: Sendable>(_ collection: String, _ body: (borrowing VectorIndex) throws -> T) async throws -> T {
        guard let revision = try storedRevision(of: collection) else { throw SupportKitError.missingCollection(collection) }
        let cachedResult: Result<T, any Error>? = indexes.withLock { cache in
            // The cache moves only with this process's own writes, inside their transactions, and is dropped
            // when one fails: a cache ahead of the revision just read holds writes that committed (or are
            // committing) after that read began, so it is as current as the file. Only a revision the cache
            // has not reached (another process wrote) needs a reload; reloading whenever a concurrent write
            // committed between the two reads made every search under write load read the whole collection.
            guard let cached = cache[collection], cached.revision >= revision else { return nil }
            return Result { try body(cached) }
        }
        if let cachedResult { return try cachedResult.get() }
        loads.withLock { $0 += 1 }
        guard let index = try await database.pool.read({ db in try VectorIndex.load(collection: collection, db) }) else {
            throw SupportKitError.missingCollection(collection)
        }
        return try indexes.withLock { cache in
            // Another task may have loaded (or followed a write to) a newer revision meanwhile: keep the newer.
            if (cache[collection]?.revision ?? .min) < index.revision { cache[collection] = index }
            return try body(index)
        }
    }
}

/// A collection's row in `collections`: its spec with the declared keys, its revision and its full-text table.
struct StoredCollection {
    var spec: CollectionSpec
    var revision: Int
    var fullTextTable: String?

    static func fetch(_ name: String, _ db: Database) throws -> StoredCollection? {
        // Read on every search and write: a cached statement skips compiling it each time.
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM collections WHERE name = ?"), arguments: [name]) else { return nil }
        let dimension: Int = row["dimension"]
        let spec = CollectionSpec(
            name: name, dimension: dimension, distance: Distance(rawValue: row["distance"]) ?? .cosine,
            embedder: EmbedderFingerprint(name: row["embedder_name"], version: row["embedder_version"], dimension: dimension),
            indexedKeys: CollectionColumns.decode(row["indexed_keys"]), fullTextKeys: CollectionColumns.decode(row["full_text_keys"]))
        return StoredCollection(spec: spec, revision: row["revision"], fullTextTable: row["full_text_table"])
    }
}

/// Writes the point_keys rows and the full-text row of points of one collection, with prepared statements.
struct PointIndexWriter {
    private let collection: String
    private let indexedKeys: [String]
    private let fullTextKeys: [String]
    private let deleteKeys: Statement
    private let insertKey: Statement
    private let deleteText: Statement?
    private let insertText: Statement?

    /// - Parameters:
    ///   - indexedKeys: the keys to index; empty writes no point_keys rows.
    ///   - fullText: the collection's full-text table and keys; nil writes no text.
    init(collection: String, indexedKeys: [String], fullText: (table: String, keys: [String])?, _ db: Database) throws {
        self.collection = collection
        self.indexedKeys = indexedKeys
        fullTextKeys = fullText?.keys ?? []
        deleteKeys = try db.cachedStatement(sql: "DELETE FROM point_keys WHERE collection = ? AND id = ?")
        insertKey = try db.cachedStatement(sql: "INSERT OR IGNORE INTO point_keys (collection, key, value, id) VALUES (?, ?, ?, ?)")
        if let table = fullText?.table.quotedDatabaseIdentifier {
            deleteText = try db.cachedStatement(sql: "DELETE FROM \(table) WHERE rowid = ?")
            insertText = try db.cachedStatement(sql: "INSERT INTO \(table) (rowid, text, point_id) VALUES (?, ?, ?)")
        } else {
            deleteText = nil
            insertText = nil
        }
    }

    /// Indexes point `id`'s payload; `replacing` first removes what an earlier version of the point left.
    func index(id: String, payload: Payload, replacing: Bool) throws {
        if replacing { try unindex(id: id) }
        for entry in payload.indexEntries(for: indexedKeys) {
            try insertKey.execute(arguments: [collection, entry.key, entry.value, id])
        }
        if let insertText, let text = payload.fullText(for: fullTextKeys) {
            try insertText.execute(arguments: [SQLiteVectorStore.textRowID(collection, id), text, id])
        }
    }

    /// Removes point `id`'s point_keys rows and full-text row.
    func unindex(id: String) throws {
        try deleteKeys.execute(arguments: [collection, id])
        try deleteText?.execute(arguments: [SQLiteVectorStore.textRowID(collection, id)])
    }
}

/// The part of a `Filter` SQL can answer from point_keys: its ids and its `must` conditions on indexed keys.
///
/// Only the narrowest condition becomes `<column> IN (...)`, the list SQLite walks; every other condition is a
/// correlated `EXISTS` probe of point_keys' primary key per candidate row. As `IN` subqueries, each condition
/// was materialized whole, and a broad one such as `kind = interaction` holds every memory row of every
/// customer, so one customer's recall cost the size of everyone's memory.
struct IndexedConditions {
    var sql = ""
    var arguments = StatementArguments()
    /// Whether the clauses decide the filter alone, so payloads need not be decoded and checked.
    var isComplete: Bool
    /// Whether any clause restricts the ids.
    var narrows = false

    /// Nil when the filter can match nothing (an empty id set, or an empty `anyOf` in `must`).
    ///
    /// - Parameters:
    ///   - column: the qualified id column of the queried table (`points.id`), which the probes correlate on.
    ///   - size: how many points a condition matches, when known (the cached index's postings); conditions
    ///     without one keep their order in `indexedKeys`, which declares the most selective keys first.
    init?(_ filter: Filter, in collection: CollectionSpec, column: String, size: (FieldMatch) -> Int? = { _ in nil }) {
        isComplete = filter.should.isEmpty && filter.mustNot.isEmpty
        var indexed: [FieldMatch] = []
        for condition in filter.must {
            guard !condition.anyOf.isEmpty else { return nil }
            if collection.indexedKeys.contains(condition.key) { indexed.append(condition) } else { isComplete = false }
        }
        let declared = { (condition: FieldMatch) in collection.indexedKeys.firstIndex(of: condition.key) ?? .max }
        let ranked = indexed
            .map { (condition: $0, size: size($0) ?? .max, declared: declared($0)) }
            .sorted { ($0.size, $0.declared) < ($1.size, $1.declared) }
        var probes = ranked.map(\.condition)
        if let ids = filter.ids {
            guard !ids.isEmpty else { return nil }
            sql += " AND \(column) IN (\(databaseQuestionMarks(count: ids.count)))"
            arguments += StatementArguments(ids.map(\.uuidString).sorted())
            narrows = true
        } else if let driving = probes.first {
            probes.removeFirst()
            sql += " AND \(column) IN (SELECT id FROM point_keys WHERE collection = ? AND key = ? AND value IN (\(databaseQuestionMarks(count: driving.anyOf.count))))"
            arguments += StatementArguments([collection.name, driving.key] + driving.anyOf)
            narrows = true
        }
        for condition in probes {
            sql += " AND EXISTS (SELECT 1 FROM point_keys WHERE collection = ? AND key = ? AND value IN (\(databaseQuestionMarks(count: condition.anyOf.count))) AND id = \(column))"
            arguments += StatementArguments([collection.name, condition.key] + condition.anyOf)
        }
    }
}

/// Builds an FTS5 query from free text: distinct words, each quoted so that punctuation cannot inject syntax.
enum FullTextQuery {
    static func terms(_ text: String) -> [String] {
        var seen = Set<String>()
        return text.lowercased()
            .split { !$0.isLetter && !$0.isNumber }
            .map(String.init)
            .filter { $0.count > 1 && !LexicalStopwords.words.contains($0) && seen.insert($0).inserted }
            .prefix(32)
            .map { "\"\($0)\"" }
    }
}

enum LexicalStopwords {
    static let words: Set<String> = Set(
        ("a an and are as at be by can do does for from has have how i if in is it its me my of on or our so "
            + "that the their them there this to was we what when where which who why will with you your")
            .split(separator: " ").map(String.init))
}
