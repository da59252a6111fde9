import Foundation
import GRDB
import SupportKit
import Synchronization

/// The SQLite file behind the embedded store: points, full-text index, ingest manifest and embedding cache.
///
/// Opened as a WAL `DatabasePool` so searches read while an ingest writes, and a crash mid-write leaves
/// the last committed state.
public final class StoreDatabase: Sendable {
    public let pool: DatabasePool
    public let path: String
    /// Connections of their own for `lookup`: never the pool's readers (see there).
    private let lookups: [DatabaseQueue]
    private let nextLookup = Atomic<Int>(0)

    /// Opens (creating folders and the file when missing) and migrates the database at `path`.
    ///
    /// - Throws: `SupportKitError` (`.unavailable`) when the file cannot be opened or migrated.
    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // WAL + NORMAL is crash-safe (a crash loses at most the last transactions, never consistency).
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Reads through a memory map instead of a pread per page: vectors span several pages each.
            try db.execute(sql: "PRAGMA mmap_size = 1073741824")
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
        let remedy = "check the path and its permissions"
        pool = try SQLiteFile.open(path, what: "the store database", migrator: Self.migrator, remedy: remedy) {
            try DatabasePool(path: $0, configuration: configuration)
        }
        // One per core (a lookup holds one for microseconds), at most 8 file handles.
        lookups = try (0..<min(max(2, ProcessInfo.processInfo.activeProcessorCount), 8)).map { _ in
            try SQLiteFile.open(path, what: "the store database", migrator: DatabaseMigrator(), remedy: remedy) {
                try DatabaseQueue(path: $0, configuration: configuration)
            }
        }
    }

    /// A short read on the calling thread, for the small lookups a turn makes (the revision before each use of
    /// a cached index, a collection's row, an embedding-cache lookup).
    ///
    /// The pool's async read hops to a reader's queue and back, and with concurrent turns on two cores those
    /// hops cost more than the lookups: the retrieval stage of a replay spent most of its time waiting. A
    /// synchronous read from the pool is no answer: when its readers are all held by async reads, which
    /// release them on the cooperative threads, blocked cooperative threads never let them go (`serve` hung
    /// under load that way). So lookups use connections of their own, taken in turn: callers wait only on each
    /// other, for microseconds, and a holder never waits on anything. Keep `body` to a few indexed reads.
    public func lookup<T>(_ body: (Database) throws -> T) throws -> T {
        let turn = UInt(bitPattern: nextLookup.wrappingAdd(1, ordering: .relaxed).oldValue)
        return try lookups[Int(turn % UInt(lookups.count))].read(body)
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
        migrator.registerMigration("v2: declared payload indexes, full text per collection") { db in
            try migrateToDeclaredIndexes(db)
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
        migrator.registerMigration("v4: documents being written are marked pending in the ingest manifest") { db in
            // 1 while a run writes the document's chunks: set before the first upsert, cleared with the entry that
            // records the new chunks. A crash in between leaves the mark; `--verify` does not count the document's
            // chunks as missing or orphaned, and the next run rewrites it.
            try db.execute(sql: "ALTER TABLE manifest ADD COLUMN pending INTEGER NOT NULL DEFAULT 0")
        }
        return migrator
    }

    /// Moves v1's hard-coded knowledge-chunk indexes to declared ones.
    ///
    /// v1 indexed `doc_id` and `category` of every collection in columns of `points`, and kept the text of
    /// every collection in one FTS5 table, so BM25 statistics of one collection counted the rows of all the
    /// others. Every existing collection keeps what it had: indexed keys doc_id and category, and, when it had
    /// text, its own FTS5 table with its rows (their rowids unchanged) over heading_path and text.
    static func migrateToDeclaredIndexes(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE collections ADD COLUMN indexed_keys TEXT NOT NULL DEFAULT '[]';
            ALTER TABLE collections ADD COLUMN full_text_keys TEXT NOT NULL DEFAULT '[]';
            -- The collection's FTS5 table, or NULL without full-text keys. Recorded rather than derived from the
            -- rowid because VACUUM may renumber the rowids of a table without an INTEGER PRIMARY KEY.
            ALTER TABLE collections ADD COLUMN full_text_table TEXT;
            CREATE TABLE point_keys (
                collection TEXT NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                id TEXT NOT NULL,
                PRIMARY KEY (collection, key, value, id)
            ) WITHOUT ROWID;
            CREATE INDEX point_keys_point ON point_keys(collection, id);
            """)
        try db.execute(sql: "UPDATE collections SET indexed_keys = ?", arguments: [CollectionColumns.encode([ChunkKey.docId, ChunkKey.category])])
        try db.execute(sql: """
            INSERT OR IGNORE INTO point_keys (collection, key, value, id)
                SELECT collection, 'doc_id', doc_id, id FROM points WHERE doc_id IS NOT NULL;
            INSERT OR IGNORE INTO point_keys (collection, key, value, id)
                SELECT collection, 'category', category, id FROM points WHERE category IS NOT NULL;
            """)
        let withText = try String.fetchAll(db, sql: """
            SELECT name FROM collections WHERE name IN (SELECT DISTINCT collection FROM points_fts) ORDER BY name
            """)
        for name in withText {
            let table = try FullTextTable.create(for: name, db)
            try db.execute(
                sql: "INSERT INTO \(table.quotedDatabaseIdentifier) (rowid, text, point_id) SELECT rowid, text, point_id FROM points_fts WHERE collection = ?",
                arguments: [name])
            try db.execute(
                sql: "UPDATE collections SET full_text_keys = ?, full_text_table = ? WHERE name = ?",
                arguments: [CollectionColumns.encode([ChunkKey.headingPath, ChunkKey.text]), table, name])
        }
        try db.execute(sql: """
            DROP TABLE points_fts;
            DROP INDEX points_doc;
            DROP INDEX points_category;
            """)
        // ALTER TABLE ... DROP COLUMN needs SQLite 3.35; on an older library the columns stay, NULL for points
        // written from now on and read by nothing.
        let version = try String.fetchOne(db, sql: "SELECT sqlite_version()") ?? ""
        let parts = version.split(separator: ".").compactMap { Int($0) }
        if parts.count >= 2, (parts[0], parts[1]) >= (3, 35) {
            try db.execute(sql: """
                ALTER TABLE points DROP COLUMN doc_id;
                ALTER TABLE points DROP COLUMN category;
                """)
        }
    }
}

/// How `collections` stores a list of keys: a JSON array of strings.
enum CollectionColumns {
    static func encode(_ keys: [String]) -> String {
        (try? JSONEncoder().encode(keys)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    static func decode(_ text: String?) -> [String] {
        guard let text, let keys = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else { return [] }
        return keys
    }
}

/// The FTS5 table of one collection's full text.
enum FullTextTable {
    /// Creates an empty full-text table for `collection` and returns its name, `fts_<rowid>` of the
    /// collection's row (with a suffix in the unlikely case that the name is taken).
    static func create(for collection: String, _ db: Database) throws -> String {
        let rowid = try Int64.fetchOne(db, sql: "SELECT rowid FROM collections WHERE name = ?", arguments: [collection]) ?? 0
        var name = "fts_\(rowid)"
        var attempt = 1
        while try db.tableExists(name) {
            attempt += 1
            name = "fts_\(rowid)_\(attempt)"
        }
        try db.execute(sql: """
            CREATE VIRTUAL TABLE \(name.quotedDatabaseIdentifier) USING fts5(
                text, point_id UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2')
            """)
        return name
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
