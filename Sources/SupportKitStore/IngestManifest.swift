import Foundation
import GRDB
import SupportKit

/// What the last ingest stored per document and per source file, so the next one can plan a sync.
///
/// Kept in the store's own SQLite file (or, for a remote store, in a local state file beside it). It also
/// remembers each corpus root a collection was ingested from (the canonical absolute folder): documents and
/// files are recorded against their root, so a run over one root, or a part of it, can only ever delete what
/// came from there. Entries written before roots were recorded have the root `""` (see ``legacyRoot``).
public struct IngestManifest: Sendable {
    /// The root of entries recorded before the manifest remembered roots.
    public static let legacyRoot = ""

    /// One document as last ingested.
    public struct Entry: Sendable, Hashable {
        public var docId: String
        /// The corpus root the document came from (canonical absolute path).
        public var root: String
        /// The source file, relative to `root`.
        public var sourcePath: String
        public var docHash: String
        /// Chunk ids with their content hashes, in document order.
        public var chunks: [UUID: String]
        /// A run was writing the document when it stopped (``IngestManifest/markPending(_:)``): the store may hold
        /// its old chunks, its new ones, or both, until the next run rewrites it.
        public var isPending: Bool

        public init(docId: String, root: String, sourcePath: String, docHash: String, chunks: [UUID: String], isPending: Bool = false) {
            self.docId = docId
            self.root = root
            self.sourcePath = sourcePath
            self.docHash = docHash
            self.chunks = chunks
            self.isPending = isPending
        }
    }

    /// A source file as last read: a file whose hash matches needs no parsing.
    public struct FileStamp: Sendable, Hashable {
        public var root: String
        /// Relative to `root`.
        public var sourcePath: String
        public var size: Int
        public var modified: Double
        public var hash: String

        public init(root: String, sourcePath: String, size: Int, modified: Double, hash: String) {
            self.root = root
            self.sourcePath = sourcePath
            self.size = size
            self.modified = modified
            self.hash = hash
        }

        /// The file's identity across roots.
        public var key: SourceKey { SourceKey(root: root, path: sourcePath) }
    }

    /// A source file's identity: its corpus root and its path relative to it.
    public struct SourceKey: Sendable, Hashable {
        public var root: String
        public var path: String

        public init(root: String, path: String) {
            self.root = root
            self.path = path
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
            let rows = try Row.fetchCursor(db, sql: "SELECT doc_id, root, source_path, doc_hash, chunk_ids, chunk_hashes, pending FROM manifest WHERE collection = ?", arguments: [collection])
            while let row = try rows.next() {
                let ids = (row["chunk_ids"] as String).split(separator: ",").compactMap { UUID(uuidString: String($0)) }
                let hashes = (row["chunk_hashes"] as String).split(separator: ",").map(String.init)
                let docId: String = row["doc_id"]
                let pending: Bool = row["pending"]
                // A pending document's hash is withheld, so the next run sees it as changed and rewrites it.
                entries[docId] = Entry(docId: docId, root: row["root"], sourcePath: row["source_path"], docHash: pending ? "" : row["doc_hash"],
                                       chunks: Dictionary(zip(ids, hashes), uniquingKeysWith: { first, _ in first }), isPending: pending)
            }
            return entries
        }
    }

    public func fileStamps() async throws -> [SourceKey: FileStamp] {
        try await database.pool.read { db in
            var stamps: [SourceKey: FileStamp] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT root, source_path, size, mtime, file_hash FROM manifest_files WHERE collection = ?", arguments: [collection])
            while let row = try rows.next() {
                let stamp = FileStamp(root: row["root"], sourcePath: row["source_path"], size: row["size"], modified: row["mtime"], hash: row["file_hash"])
                stamps[stamp.key] = stamp
            }
            return stamps
        }
    }

    /// The corpus roots this collection was ingested from, sorted.
    public func roots() async throws -> [String] {
        try await database.pool.read { db in
            try String.fetchAll(db, sql: "SELECT root FROM manifest_roots WHERE collection = ? ORDER BY root", arguments: [collection])
        }
    }

    /// Records of a known root that now belong to another: a corpus that was moved or renamed, the legacy
    /// root taken over, or a root taken into a larger root that contains it.
    public struct RootMove: Sendable, Hashable {
        /// The root that holds them now.
        public var root: String
        /// Prepended to their relative paths (`"sub/"` when the new root contains the old one, `""` for a move).
        public var prefix: String
        /// Whether the files' stamps stay valid (a move keeps its documents' ids; a root taken into a larger one
        /// gets ids relative to it, so its files must be read again).
        public var keepsStamps: Bool

        public init(root: String, prefix: String, keepsStamps: Bool) {
            self.root = root
            self.prefix = prefix
            self.keepsStamps = keepsStamps
        }
    }

    /// Records corpus roots, and re-roots the documents and files of moved roots, in one transaction.
    ///
    /// - Parameter moves: per old root (``legacyRoot`` included), where its records go.
    public func recordRoots(_ roots: [String], moves: [String: RootMove] = [:]) async throws {
        guard !roots.isEmpty || !moves.isEmpty else { return }
        try await database.pool.write(file: database.path) { db in
            for (old, move) in moves where old != move.root {
                try db.execute(
                    sql: "UPDATE manifest SET root = ?, source_path = ? || source_path WHERE collection = ? AND root = ?",
                    arguments: [move.root, move.prefix, collection, old])
                if move.keepsStamps {
                    try db.execute(
                        sql: "UPDATE OR REPLACE manifest_files SET root = ?, source_path = ? || source_path WHERE collection = ? AND root = ?",
                        arguments: [move.root, move.prefix, collection, old])
                } else {
                    try db.execute(sql: "DELETE FROM manifest_files WHERE collection = ? AND root = ?", arguments: [collection, old])
                }
                try db.execute(sql: "DELETE FROM manifest_roots WHERE collection = ? AND root = ?", arguments: [collection, old])
            }
            for root in roots {
                try db.execute(sql: "INSERT OR IGNORE INTO manifest_roots (collection, root) VALUES (?, ?)", arguments: [collection, root])
            }
        }
    }

    /// Marks documents as being written, before any of their chunks is: a document already recorded keeps its
    /// entry, a new one gets an entry without chunks. ``record(_:removing:)`` clears the mark.
    public func markPending(_ documents: [(docId: String, root: String, sourcePath: String)]) async throws {
        guard !documents.isEmpty else { return }
        try await database.pool.write(file: database.path) { db in
            let mark = try db.makeStatement(sql: """
                INSERT INTO manifest (collection, doc_id, root, source_path, doc_hash, chunk_ids, chunk_hashes, pending) VALUES (?, ?, ?, ?, '', '', '', 1)
                ON CONFLICT (collection, doc_id) DO UPDATE SET pending = 1
                """)
            for document in documents {
                try mark.execute(arguments: [collection, document.docId, document.root, document.sourcePath])
            }
        }
    }

    /// Records documents as stored and forgets deleted ones, in one transaction.
    public func record(_ entries: [Entry], removing removed: [String]) async throws {
        guard !entries.isEmpty || !removed.isEmpty else { return }
        try await database.pool.write(file: database.path) { db in
            let upsert = try db.makeStatement(sql: """
                INSERT INTO manifest (collection, doc_id, root, source_path, doc_hash, chunk_ids, chunk_hashes, pending) VALUES (?, ?, ?, ?, ?, ?, ?, 0)
                ON CONFLICT (collection, doc_id) DO UPDATE SET root = excluded.root, source_path = excluded.source_path, doc_hash = excluded.doc_hash,
                    chunk_ids = excluded.chunk_ids, chunk_hashes = excluded.chunk_hashes, ingested_at = excluded.ingested_at, pending = 0
                """)
            for entry in entries {
                let ordered = entry.chunks.sorted { $0.key.uuidString < $1.key.uuidString }
                try upsert.execute(arguments: [
                    collection, entry.docId, entry.root, entry.sourcePath, entry.docHash,
                    ordered.map(\.key.uuidString).joined(separator: ","), ordered.map(\.value).joined(separator: ","),
                ])
            }
            let delete = try db.makeStatement(sql: "DELETE FROM manifest WHERE collection = ? AND doc_id = ?")
            for docId in removed { try delete.execute(arguments: [collection, docId]) }
        }
    }

    /// Forgets everything recorded for this collection (after the collection was dropped or lost).
    public func reset() async throws {
        try await database.pool.write(file: database.path) { db in
            try db.execute(sql: "DELETE FROM manifest WHERE collection = ?", arguments: [collection])
            try db.execute(sql: "DELETE FROM manifest_files WHERE collection = ?", arguments: [collection])
            try db.execute(sql: "DELETE FROM manifest_roots WHERE collection = ?", arguments: [collection])
        }
    }

    /// Replaces the file stamps of `stamps` and drops those of `removedFiles`.
    public func recordFiles(_ stamps: [FileStamp], removing removedFiles: [SourceKey]) async throws {
        guard !stamps.isEmpty || !removedFiles.isEmpty else { return }
        try await database.pool.write(file: database.path) { db in
            let upsert = try db.makeStatement(sql: """
                INSERT INTO manifest_files (collection, root, source_path, size, mtime, file_hash) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (collection, root, source_path) DO UPDATE SET size = excluded.size, mtime = excluded.mtime, file_hash = excluded.file_hash
                """)
            for stamp in stamps {
                try upsert.execute(arguments: [collection, stamp.root, stamp.sourcePath, stamp.size, stamp.modified, stamp.hash])
            }
            let delete = try db.makeStatement(sql: "DELETE FROM manifest_files WHERE collection = ? AND root = ? AND source_path = ?")
            for file in removedFiles { try delete.execute(arguments: [collection, file.root, file.path]) }
        }
    }
}
