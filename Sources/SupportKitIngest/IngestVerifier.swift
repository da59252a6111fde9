import Foundation
import SupportKit
import SupportKitStore

/// Compares the ingest manifest with what the store really holds, and repairs the difference.
///
/// Works with any `VectorStore`: it scrolls the whole collection (payloads, no vectors), so it costs one
/// pass over the collection. A chunk the manifest records but the store lacks is *missing* (a lost write,
/// a store restored from an old backup); a point the store holds but the manifest does not know is an
/// *orphan* (a crash between write and prune, or a write by someone else).
public struct IngestVerifier: Sendable {
    /// One chunk on one side only.
    public struct Discrepancy: Sendable, Hashable, Codable {
        /// The document the chunk belongs to (from the manifest for missing chunks, from the payload for orphans).
        public var docId: String
        public var chunkId: UUID

        public init(docId: String, chunkId: UUID) {
            self.docId = docId
            self.chunkId = chunkId
        }
    }

    /// What a verification found.
    public struct Report: Sendable, Hashable {
        /// Documents and chunks the manifest records.
        public var manifestDocuments = 0
        public var manifestChunks = 0
        /// Points in the store's collection.
        public var storePoints = 0
        /// In the manifest, not in the store; sorted by document, then chunk id.
        public var missing: [Discrepancy] = []
        /// In the store, not in the manifest; sorted likewise.
        public var orphans: [Discrepancy] = []
        /// Documents an interrupted run was writing: their chunks are not counted as missing or orphaned, and the
        /// next ingest rewrites them.
        public var pendingDocuments: [String] = []

        /// Whether store and manifest agree.
        public var isConsistent: Bool { missing.isEmpty && orphans.isEmpty }

        /// Documents with at least one missing chunk.
        public var documentsWithMissingChunks: [String] { Array(Set(missing.map(\.docId))).sorted() }
    }

    public let store: any VectorStore
    public let manifest: IngestManifest
    public let collection: String
    /// Points per scroll page.
    public var pageSize: Int

    public init(store: any VectorStore, manifest: IngestManifest, collection: String, pageSize: Int = 512) {
        self.store = store
        self.manifest = manifest
        self.collection = collection
        self.pageSize = pageSize
    }

    /// Reads the manifest and scrolls the collection.
    ///
    /// - Throws: store errors (`SupportKitError`), e.g. `.unavailable` when a remote store cannot be reached.
    public func verify() async throws -> Report {
        let entries = try await manifest.entries()
        var expected: [UUID: String] = [:]
        let pending = Set(entries.values.filter(\.isPending).map(\.docId))
        for entry in entries.values where !entry.isPending {
            for id in entry.chunks.keys { expected[id] = entry.docId }
        }
        var report = Report()
        report.manifestDocuments = entries.count
        report.manifestChunks = expected.count
        var present = Set<UUID>()
        if try await store.collection(named: collection) != nil {
            var offset: UUID?
            repeat {
                let page = try await store.scroll(collection, filter: nil, offset: offset, limit: pageSize, withVectors: false)
                for point in page.points {
                    present.insert(point.id)
                    let docId = point.payload[ChunkKey.docId]?.stringValue ?? ""
                    if expected[point.id] == nil, !pending.contains(docId) {
                        report.orphans.append(Discrepancy(docId: docId, chunkId: point.id))
                    }
                }
                offset = page.next
            } while offset != nil
        }
        report.storePoints = present.count
        report.pendingDocuments = pending.sorted()
        report.missing = expected.compactMap { id, docId in present.contains(id) ? nil : Discrepancy(docId: docId, chunkId: id) }
        let order: (Discrepancy, Discrepancy) -> Bool = { ($0.docId, $0.chunkId.uuidString) < ($1.docId, $1.chunkId.uuidString) }
        report.missing.sort(by: order)
        report.orphans.sort(by: order)
        return report
    }

    /// Deletes the orphans and makes the manifest forget the documents with missing chunks (and their
    /// files' stamps), so that the next ingest run of the same paths writes those documents again: their
    /// chunks are re-embedded through the embedding cache (usually without calling the model) and upserted,
    /// write first and prune after, as any changed document.
    ///
    /// - Returns: the number of orphans deleted and of documents queued for re-ingest.
    public func repair(_ report: Report) async throws -> (deleted: Int, documentsToReingest: [String]) {
        let orphans = report.orphans.map(\.chunkId)
        for start in stride(from: 0, to: orphans.count, by: 500) {
            let ids = Set(orphans[start..<min(start + 500, orphans.count)])
            try await store.delete(in: collection, matching: Filter(ids: ids))
        }
        let documents = report.documentsWithMissingChunks
        if !documents.isEmpty {
            let entries = try await manifest.entries()
            let files = Set(documents.compactMap { entries[$0].map { IngestManifest.SourceKey(root: $0.root, path: $0.sourcePath) } })
            try await manifest.record([], removing: documents)
            try await manifest.recordFiles([], removing: Array(files))
        }
        return (orphans.count, documents)
    }
}
