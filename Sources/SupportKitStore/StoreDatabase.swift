import Foundation
import GRDB
import SupportKit

/// The SQLite file behind the embedded store: points, full-text index, ingest manifest and embedding cache.
///
/// Opened as a WAL `DatabasePool` so searches read while an ingest writes, and a crash mid-write leaves
/// the last committed state.
public final class StoreDatabase: Sendable {
    public let pool: DatabasePool
    public let path: String

    /// Opens (creating folders and the file when missing) and migrates the database at `path`.
    ///
    /// - Throws: `SupportKitError` (`.unavailable`) when the file cannot be opened or migrated.
    public init(path: String) throws {
        self.path = path
        do {
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            configuration.prepareDatabase { db in
                // WAL + NORMAL is crash-safe (a crash loses at most the last transactions, never consistency).
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                // Reads through a memory map instead of a pread per page: vectors span several pages each.
                try db.execute(sql: "PRAGMA mmap_size = 1073741824")
                try db.execute(sql: "PRAGMA cache_size = -65536")
            }
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw SupportKitError(.unavailable, "cannot open the store database at \(path); check the path and its permissions", underlying: error)
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: collections, points, fts, manifest, embedding cache") { db in
            try db.execute(sql: """
                CREATE TABLE collections (
                    name TEXT PRIMARY KEY,
                    dimension INTEGER NOT NULL,
                    distance TEXT NOT NULL,
                    embedder_name TEXT NOT NULL,
                    embedder_version TEXT NOT NULL,
                    revision INTEGER NOT NULL DEFAULT 0,
                    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                );
                CREATE TABLE points (
                    collection TEXT NOT NULL REFERENCES collections(name) ON DELETE CASCADE,
                    id TEXT NOT NULL,
                    doc_id TEXT,
                    category TEXT,
                    -- payload before vector: reading a payload never walks the vector's overflow pages
                    payload TEXT NOT NULL,
                    vector BLOB NOT NULL,
                    PRIMARY KEY (collection, id)
                ) WITHOUT ROWID;
                CREATE INDEX points_doc ON points(collection, doc_id);
                CREATE INDEX points_category ON points(collection, category);
                CREATE VIRTUAL TABLE points_fts USING fts5(text, collection UNINDEXED, point_id UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2');
                CREATE TABLE manifest (
                    collection TEXT NOT NULL,
                    doc_id TEXT NOT NULL,
                    source_path TEXT NOT NULL,
                    doc_hash TEXT NOT NULL,
                    chunk_ids TEXT NOT NULL,
                    chunk_hashes TEXT NOT NULL,
                    ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                    PRIMARY KEY (collection, doc_id)
                );
                CREATE TABLE manifest_files (
                    collection TEXT NOT NULL,
                    source_path TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    mtime REAL NOT NULL,
                    file_hash TEXT NOT NULL,
                    PRIMARY KEY (collection, source_path)
                );
                CREATE TABLE embedding_cache (
                    fingerprint TEXT NOT NULL,
                    text_hash TEXT NOT NULL,
                    vector BLOB NOT NULL,
                    PRIMARY KEY (fingerprint, text_hash)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v3: corpus roots in the ingest manifest") { db in
            // Entries from before keep the legacy root "": the first run over a folder that holds most of their
            // files takes them over (IngestPipeline), so upgrading renames and deletes nothing.
            try db.execute(sql: """
                CREATE TABLE manifest_roots (
                    collection TEXT NOT NULL,
                    root TEXT NOT NULL,
                    added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                    PRIMARY KEY (collection, root)
                );
                ALTER TABLE manifest ADD COLUMN root TEXT NOT NULL DEFAULT '';
                CREATE TABLE manifest_files_v3 (
                    collection TEXT NOT NULL,
                    root TEXT NOT NULL,
                    source_path TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    mtime REAL NOT NULL,
                    file_hash TEXT NOT NULL,
                    PRIMARY KEY (collection, root, source_path)
                );
                INSERT INTO manifest_files_v3 (collection, root, source_path, size, mtime, file_hash)
                    SELECT collection, '', source_path, size, mtime, file_hash FROM manifest_files;
                DROP TABLE manifest_files;
                ALTER TABLE manifest_files_v3 RENAME TO manifest_files;
                """)
        }
        return migrator
    }
}

extension Array where Element == Float {
    /// Little-endian float32 bytes.
    var blob: Data { withUnsafeBufferPointer { Data(buffer: $0) } }

    init(blob: Data) {
        let count = blob.count / MemoryLayout<Float>.size
        self = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            _ = blob.copyBytes(to: buffer)
            initialized = count
        }
    }
}
