import Foundation
import GRDB
import SupportKit

/// Embeddings already computed, keyed by (embedder fingerprint, SHA-256 of the text), in SQLite.
public struct SQLiteEmbeddingCache: Sendable {
    public let database: StoreDatabase

    public init(database: StoreDatabase) {
        self.database = database
    }

    /// Cached vectors for `hashes`, by hash.
    public func vectors(for hashes: [String], fingerprint: EmbedderFingerprint) async throws -> [String: [Float]] {
        guard !hashes.isEmpty else { return [:] }
        let key = fingerprint.description
        let lookup: @Sendable (Database) throws -> [String: [Float]] = { db in
            var found: [String: [Float]] = [:]
            let statement = try db.cachedStatement(sql: "SELECT vector FROM embedding_cache WHERE fingerprint = ? AND text_hash = ?")
            for hash in hashes {
                if let blob = try Data.fetchOne(statement, arguments: [key, hash]) {
                    found[hash] = [Float](blob: blob)
                }
            }
            return found
        }
        // A turn looks up one or two texts: on the calling thread (`StoreDatabase.lookup`). Batches (ingest, an
        // eval's prefetch) keep the pool's async read.
        if hashes.count <= 16 { return try database.lookup(lookup) }
        return try await database.pool.read(lookup)
    }

    public func store(_ vectors: [String: [Float]], fingerprint: EmbedderFingerprint) async throws {
        guard !vectors.isEmpty else { return }
        let key = fingerprint.description
        try await database.pool.write(file: database.path) { db in
            let insert = try db.cachedStatement(sql: "INSERT OR REPLACE INTO embedding_cache (fingerprint, text_hash, vector) VALUES (?, ?, ?)")
            for (hash, vector) in vectors { try insert.execute(arguments: [key, hash, vector.blob]) }
        }
    }
}

/// An `Embedder` that answers from `SQLiteEmbeddingCache` when it can and embeds (and caches) the rest.
///
/// Re-ingesting edited documents re-embeds only the chunks whose text changed, and repeated evaluation
/// runs embed nothing they embedded before.
public actor CachingEmbedder: Embedder {
    public nonisolated let base: any Embedder
    public let cache: SQLiteEmbeddingCache
    /// Texts actually sent to the underlying embedder since creation.
    public private(set) var embeddedCount = 0
    public private(set) var cachedCount = 0

    public init(base: any Embedder, cache: SQLiteEmbeddingCache) {
        self.base = base
        self.cache = cache
    }

    public nonisolated var fingerprint: EmbedderFingerprint { base.fingerprint }
    public nonisolated var preferredBatchSize: Int { base.preferredBatchSize }
    public nonisolated var tokenCounter: any TokenCounter { base.tokenCounter }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        let hashes = texts.map(ContentHasher.hash)
        var known = try await cache.vectors(for: Array(Set(hashes)), fingerprint: fingerprint)
        var missing: [(hash: String, text: String)] = []
        var queued = Set<String>()
        for (hash, text) in zip(hashes, texts) where known[hash] == nil && queued.insert(hash).inserted {
            missing.append((hash, text))
        }
        if !missing.isEmpty {
            let vectors = try await base.embedAll(missing.map(\.text))
            var fresh: [String: [Float]] = [:]
            for (item, vector) in zip(missing, vectors) { fresh[item.hash] = vector }
            try await cache.store(fresh, fingerprint: fingerprint)
            known.merge(fresh) { _, new in new }
            embeddedCount += missing.count
        }
        cachedCount += texts.count - missing.count
        return hashes.map { known[$0] ?? [] }
    }
}
