import Foundation
import GRDB
import SupportKit
import Synchronization

/// The embedded vector store: points in SQLite, exact cosine search over an in-memory matrix.
///
/// Vectors of a collection are loaded once into one contiguous, row-normalized matrix and kept until a
/// write changes the collection's revision (also when another process writes), so a search is a
/// matrix-vector product plus a heap, with no per-row decoding. Every write call is one transaction.
public final class SQLiteVectorStore: VectorStore, LexicalSearching, Sendable {
    public let database: StoreDatabase
    private let indexes = Mutex<[String: VectorIndex]>([:])

    public init(database: StoreDatabase) {
        self.database = database
    }

    /// Opens the store at `path` (created when missing).
    public convenience init(path: String) throws {
        self.init(database: try StoreDatabase(path: path))
    }

    // MARK: Collections

    public func prepareCollection(_ spec: CollectionSpec) async throws {
        try await database.pool.write { db in
            if let existing = try Self.spec(named: spec.name, db) {
                try existing.checkCompatible(with: spec)
                return
            }
            try db.execute(
                sql: "INSERT INTO collections (name, dimension, distance, embedder_name, embedder_version) VALUES (?, ?, ?, ?, ?)",
                arguments: [spec.name, spec.dimension, spec.distance.rawValue, spec.embedder.name, spec.embedder.version])
        }
    }

    public func deleteCollection(_ name: String) async throws {
        try await database.pool.write { db in
            try db.execute(sql: "DELETE FROM points_fts WHERE collection = ?", arguments: [name])
            try db.execute(sql: "DELETE FROM points WHERE collection = ?", arguments: [name])
            try db.execute(sql: "DELETE FROM collections WHERE name = ?", arguments: [name])
        }
        indexes.withLock { $0[name] = nil }
    }

    public func collection(named name: String) async throws -> CollectionSpec? {
        try await database.pool.read { db in try Self.spec(named: name, db) }
    }

    static func spec(named name: String, _ db: Database) throws -> CollectionSpec? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM collections WHERE name = ?", arguments: [name]) else { return nil }
        let dimension: Int = row["dimension"]
        return CollectionSpec(
            name: name, dimension: dimension, distance: Distance(rawValue: row["distance"]) ?? .cosine,
            embedder: EmbedderFingerprint(name: row["embedder_name"], version: row["embedder_version"], dimension: dimension))
    }

    private func requireSpec(_ name: String, _ db: Database) throws -> CollectionSpec {
        guard let spec = try Self.spec(named: name, db) else { throw SupportKitError.missingCollection(name) }
        return spec
    }

    // MARK: Writes

    public func upsert(_ points: [Point], into collection: String) async throws {
        guard !points.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let rows = try points.map { point -> (Point, String) in
            (point, String(decoding: try encoder.encode(point.payload), as: UTF8.self))
        }
        let revision = try await database.pool.write { db -> Int in
            let spec = try self.requireSpec(collection, db)
            let insert = try db.makeStatement(sql: """
                INSERT INTO points (collection, id, doc_id, category, payload, vector) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (collection, id) DO UPDATE SET doc_id = excluded.doc_id, category = excluded.category,
                    vector = excluded.vector, payload = excluded.payload
                """)
            let deleteText = try db.makeStatement(sql: "DELETE FROM points_fts WHERE rowid = ?")
            let insertText = try db.makeStatement(sql: "INSERT INTO points_fts (rowid, text, collection, point_id) VALUES (?, ?, ?, ?)")
            for (point, payload) in rows {
                try spec.checkDimension(of: point.vector)
                let id = point.id.uuidString
                try insert.execute(arguments: [
                    collection, id, point.payload[ChunkKey.docId]?.stringValue, point.payload[ChunkKey.category]?.stringValue,
                    payload, point.vector.blob,
                ])
                let textRow = Self.textRowID(collection, id)
                try deleteText.execute(arguments: [textRow])
                if let text = Self.searchableText(point.payload) {
                    try insertText.execute(arguments: [textRow, text, collection, id])
                }
            }
            return try self.bumpRevision(collection, db)
        }
        // Keep this process's cached matrix current instead of reloading the whole collection on the next
        // search: memory writes a point every turn, and a reload per turn would grow with the collection.
        indexes.withLock { cache in
            guard let cached = cache[collection], cached.revision == revision - 1 else {
                cache[collection] = nil
                return
            }
            cache[collection] = cached.applying(points, revision: revision)
        }
    }

    /// The full-text row of a point: a 63-bit hash of (collection, id), so that replacing or deleting a
    /// point's text is a rowid lookup rather than a scan of the FTS table.
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

    /// The text full-text search indexes: title, heading path and body.
    static func searchableText(_ payload: Payload) -> String? {
        guard let text = payload[ChunkKey.text]?.stringValue else { return nil }
        let path = payload[ChunkKey.headingPath]?.stringList?.joined(separator: " ") ?? payload[ChunkKey.title]?.stringValue ?? ""
        return path + "\n" + text
    }

    public func delete(in collection: String, matching filter: Filter) async throws {
        let deleted = try await database.pool.write { db -> (ids: [String], revision: Int)? in
            guard try Self.spec(named: collection, db) != nil else { return nil }
            let ids = try self.matchingIDs(collection, filter, db)
            guard !ids.isEmpty else { return nil }
            let deletePoint = try db.makeStatement(sql: "DELETE FROM points WHERE collection = ? AND id = ?")
            let deleteText = try db.makeStatement(sql: "DELETE FROM points_fts WHERE rowid = ?")
            for id in ids {
                try deletePoint.execute(arguments: [collection, id])
                try deleteText.execute(arguments: [Self.textRowID(collection, id)])
            }
            return (ids, try self.bumpRevision(collection, db))
        }
        guard let deleted else { return }
        // As for upserts: follow the write in this process's cached matrix rather than reload it.
        indexes.withLock { cache in
            guard let cached = cache[collection], cached.revision == deleted.revision - 1 else {
                cache[collection] = nil
                return
            }
            cache[collection] = cached.removing(Set(deleted.ids.compactMap(UUID.init(uuidString:))), revision: deleted.revision)
        }
    }

    /// Increments the collection's revision (which invalidates cached matrices in every process) and returns it.
    private func bumpRevision(_ collection: String, _ db: Database) throws -> Int {
        try db.execute(sql: "UPDATE collections SET revision = revision + 1 WHERE name = ?", arguments: [collection])
        return try Int.fetchOne(db, sql: "SELECT revision FROM collections WHERE name = ?", arguments: [collection]) ?? 0
    }

    /// Ids of points passing `filter`; uses the indexed columns when the filter allows it.
    private func matchingIDs(_ collection: String, _ filter: Filter, _ db: Database) throws -> [String] {
        var sql = "SELECT id, payload FROM points WHERE collection = ?"
        var arguments: StatementArguments = [collection]
        Self.pushDownIndexedConditions(filter, into: &sql, &arguments)
        if let ids = filter.ids {
            guard !ids.isEmpty else { return [] }
            sql += " AND id IN (\(databaseQuestionMarks(count: ids.count)))"
            arguments += StatementArguments(ids.map(\.uuidString))
        }
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

    /// Adds the filter's `must` conditions on indexed columns (doc_id, category) to a query; the rest of the
    /// filter is checked on the decoded payload.
    private static func pushDownIndexedConditions(_ filter: Filter, into sql: inout String, _ arguments: inout StatementArguments) {
        for condition in filter.must where condition.key == ChunkKey.docId || condition.key == ChunkKey.category {
            sql += " AND \(condition.key) IN (\(databaseQuestionMarks(count: condition.anyOf.count)))"
            arguments += StatementArguments(condition.anyOf)
        }
    }

    // MARK: Reads

    public func search(_ vector: [Float], in collection: String, filter: Filter?, limit: Int) async throws -> [ScoredPoint] {
        let index = try await currentIndex(collection)
        guard vector.count == index.dimension else {
            throw SupportKitError(.invalidInput, "query vector has dimension \(vector.count) but collection \"\(collection)\" holds \(index.dimension)")
        }
        return index.search(VectorMath.normalized(vector), filter: filter, limit: limit)
    }

    public func scroll(
        _ collection: String, filter: Filter?, offset: UUID?, limit: Int, withVectors: Bool
    ) async throws -> (points: [Point], next: UUID?) {
        try await database.pool.read { db in
            _ = try self.requireSpec(collection, db)
            let decoder = JSONDecoder()
            var points: [Point] = []
            var next: UUID?
            // With a document filter, say which index to use: ORDER BY id alone would tempt the planner into
            // walking the whole collection in key order, once per document during an ingest.
            let byDocument = filter?.must.contains { $0.key == ChunkKey.docId } ?? false
            var sql = "SELECT id, payload\(withVectors ? ", vector" : "") FROM points \(byDocument ? "INDEXED BY points_doc " : "")WHERE collection = ?"
            var arguments: StatementArguments = [collection]
            if let offset {
                sql += " AND id >= ?"
                arguments += [offset.uuidString]
            }
            if let filter { Self.pushDownIndexedConditions(filter, into: &sql, &arguments) }
            sql += " ORDER BY id"
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() {
                guard let id = UUID(uuidString: row["id"]) else { continue }
                let payload = try decoder.decode(Payload.self, from: row.dataNoCopy(named: "payload") ?? Data())
                guard filter?.matches(id: id, payload: payload) ?? true else { continue }
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
        try await database.pool.read { db in
            guard try Self.spec(named: collection, db) != nil else { return 0 }
            guard let filter else {
                return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM points WHERE collection = ?", arguments: [collection]) ?? 0
            }
            return try self.matchingIDs(collection, filter, db).count
        }
    }

    public func lexicalSearch(_ query: String, in collection: String, filter: Filter?, limit: Int) async throws -> [ScoredPoint] {
        let terms = FullTextQuery.terms(query)
        guard !terms.isEmpty, limit > 0 else { return [] }
        let index = try await currentIndex(collection)
        return try await database.pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT point_id, bm25(points_fts) AS rank FROM points_fts
                WHERE points_fts MATCH ? AND collection = ? ORDER BY rank LIMIT ?
                """, arguments: [terms.joined(separator: " OR "), collection, limit * 8 + 32])
            var results: [ScoredPoint] = []
            for row in rows {
                guard let id = UUID(uuidString: row["point_id"]), let payload = index.payload(of: id) else { continue }
                guard filter?.matches(id: id, payload: payload) ?? true else { continue }
                let rank: Double = row["rank"]
                results.append(ScoredPoint(id: id, score: Float(-rank), payload: payload))
                if results.count == limit { break }
            }
            return results
        }
    }

    // MARK: Index cache

    private func currentIndex(_ collection: String) async throws -> VectorIndex {
        let revision = try await database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT revision FROM collections WHERE name = ?", arguments: [collection])
        }
        guard let revision else { throw SupportKitError.missingCollection(collection) }
        if let cached = indexes.withLock({ $0[collection] }), cached.revision == revision { return cached }
        let index = try await database.pool.read { db in
            try VectorIndex.load(collection: collection, revision: revision, db)
        }
        indexes.withLock { $0[collection] = index }
        return index
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
