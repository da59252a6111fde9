import Foundation
import GRDB
import SupportKit

/// What the last ingest stored per document and per source file, so the next one can plan a sync.
///
/// Kept in the store's own SQLite file (or, for a remote store, in a local state file beside it).
public struct IngestManifest: Sendable {
    /// One document as last ingested.
    public struct Entry: Sendable, Hashable {
        public var docId: String
        public var sourcePath: String
        public var docHash: String
        /// Chunk ids with their content hashes, in document order.
        public var chunks: [UUID: String]

        public init(docId: String, sourcePath: String, docHash: String, chunks: [UUID: String]) {
            self.docId = docId
            self.sourcePath = sourcePath
            self.docHash = docHash
            self.chunks = chunks
        }
    }

    /// A source file as last read: a file whose hash matches needs no parsing.
    public struct FileStamp: Sendable, Hashable {
        public var sourcePath: String
        public var size: Int
        public var modified: Double
        public var hash: String

        public init(sourcePath: String, size: Int, modified: Double, hash: String) {
            self.sourcePath = sourcePath
            self.size = size
            self.modified = modified
            self.hash = hash
        }
    }

    public let database: StoreDatabase
    public let collection: String

    public init(database: StoreDatabase, collection: String) {
        self.database = database
        self.collection = collection
    }

    public func entries() async throws -> [String: Entry] {
        try await database.pool.read { db in
            var entries: [String: Entry] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT doc_id, source_path, doc_hash, chunk_ids, chunk_hashes FROM manifest WHERE collection = ?", arguments: [collection])
            while let row = try rows.next() {
                let ids = (row["chunk_ids"] as String).split(separator: ",").compactMap { UUID(uuidString: String($0)) }
                let hashes = (row["chunk_hashes"] as String).split(separator: ",").map(String.init)
                let docId: String = row["doc_id"]
                entries[docId] = Entry(docId: docId, sourcePath: row["source_path"], docHash: row["doc_hash"],
                                       chunks: Dictionary(zip(ids, hashes), uniquingKeysWith: { first, _ in first }))
            }
            return entries
        }
    }

    public func fileStamps() async throws -> [String: FileStamp] {
        try await database.pool.read { db in
            var stamps: [String: FileStamp] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT source_path, size, mtime, file_hash FROM manifest_files WHERE collection = ?", arguments: [collection])
            while let row = try rows.next() {
                let path: String = row["source_path"]
                stamps[path] = FileStamp(sourcePath: path, size: row["size"], modified: row["mtime"], hash: row["file_hash"])
            }
            return stamps
        }
    }

    /// Records documents as stored and forgets deleted ones, in one transaction.
    public func record(_ entries: [Entry], removing removed: [String]) async throws {
        guard !entries.isEmpty || !removed.isEmpty else { return }
        try await database.pool.write { db in
            let upsert = try db.makeStatement(sql: """
                INSERT INTO manifest (collection, doc_id, source_path, doc_hash, chunk_ids, chunk_hashes) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (collection, doc_id) DO UPDATE SET source_path = excluded.source_path, doc_hash = excluded.doc_hash,
                    chunk_ids = excluded.chunk_ids, chunk_hashes = excluded.chunk_hashes, ingested_at = excluded.ingested_at
                """)
            for entry in entries {
                let ordered = entry.chunks.sorted { $0.key.uuidString < $1.key.uuidString }
                try upsert.execute(arguments: [
                    collection, entry.docId, entry.sourcePath, entry.docHash,
                    ordered.map(\.key.uuidString).joined(separator: ","), ordered.map(\.value).joined(separator: ","),
                ])
            }
            let delete = try db.makeStatement(sql: "DELETE FROM manifest WHERE collection = ? AND doc_id = ?")
            for docId in removed { try delete.execute(arguments: [collection, docId]) }
        }
    }

    /// Forgets everything recorded for this collection (after the collection was dropped or lost).
    public func reset() async throws {
        try await database.pool.write { db in
            try db.execute(sql: "DELETE FROM manifest WHERE collection = ?", arguments: [collection])
            try db.execute(sql: "DELETE FROM manifest_files WHERE collection = ?", arguments: [collection])
        }
    }

    /// Replaces the file stamps of `stamps` and drops those of `removedPaths`.
    public func recordFiles(_ stamps: [FileStamp], removing removedPaths: [String]) async throws {
        guard !stamps.isEmpty || !removedPaths.isEmpty else { return }
        try await database.pool.write { db in
            let upsert = try db.makeStatement(sql: """
                INSERT INTO manifest_files (collection, source_path, size, mtime, file_hash) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (collection, source_path) DO UPDATE SET size = excluded.size, mtime = excluded.mtime, file_hash = excluded.file_hash
                """)
            for stamp in stamps {
                try upsert.execute(arguments: [collection, stamp.sourcePath, stamp.size, stamp.modified, stamp.hash])
            }
            let delete = try db.makeStatement(sql: "DELETE FROM manifest_files WHERE collection = ? AND source_path = ?")
            for path in removedPaths { try delete.execute(arguments: [collection, path]) }
        }
    }
}
