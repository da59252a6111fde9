import Foundation
import Synchronization
import Logging
import SupportKit
import SupportKitParsing
import SupportKitStore

/// Syncs a vector-store collection with a folder of support documents.
///
/// Walk, parse, chunk, then plan against the manifest of the last ingest: documents added, changed,
/// unchanged, deleted. Applying embeds only new or changed chunk texts (through the embedding cache),
/// upserts them, and only then deletes stale chunks and updates the manifest, batch by batch. A crash at
/// any point leaves the store holding, per document, either its old or its new chunks plus at most some
/// not-yet-pruned stale ones, which the next run removes: no duplicate, no loss.
///
/// What a run may delete is bounded by ``SyncScope``: only documents recorded under the corpus roots (or the
/// parts of them) the run was given, whose files are gone or no longer hold them. A path that does not exist
/// covers nothing. A run that would still delete more than half of the collection's documents (and more than
/// ``Configuration/massDeletionAllowance``) stops before writing anything unless `allowMassDeletion` is set.
///
/// Each document's facets (title and tags, `DocumentFacet`) go to a second collection,
/// `Collections.facets(of: collection)`, written and pruned together with the document's chunks. A store
/// ingested before facets existed gets them on its next run (every document is re-read once; chunks that did
/// not change are not rewritten).
public struct IngestPipeline: Sendable {
    public struct Configuration: Sendable, Hashable {
        public var parser: DocumentParser.Configuration
        public var chunker: Chunker.Configuration
        public var collection: String
        /// Any bad document fails the run before anything is written.
        public var strict: Bool
        /// Plan only; change nothing.
        public var dryRun: Bool
        /// Points per upsert call (one transaction each).
        public var batchSize: Int
        /// Keep the documents' facets in `Collections.facets(of: collection)`.
        public var facets: Bool
        /// Go ahead with a run that deletes more than half of the collection's documents.
        public var allowMassDeletion: Bool
        /// Which of the walked files are articles (`ingest.include` / `ingest.exclude`).
        public var filter: CorpusFilter
        /// Crash testing only: SIGKILL the process right after this many batch upserts, before stale chunks are
        /// pruned and the manifest is updated (the worst moment to die). The CLI sets it from
        /// `SUPPORTKIT_FAULT=kill-after-upserts:N`.
        public var killAfterUpserts: Int?

        /// Deletions up to this many documents never count as a mass deletion, whatever the collection's size.
        public static let massDeletionAllowance = 5

        public init(
            parser: DocumentParser.Configuration = .init(), chunker: Chunker.Configuration = .init(),
            collection: String = Collections.knowledge, strict: Bool = false, dryRun: Bool = false, batchSize: Int = 256,
            facets: Bool = true, allowMassDeletion: Bool = false, filter: CorpusFilter = CorpusFilter(), killAfterUpserts: Int? = nil
        ) {
            self.killAfterUpserts = killAfterUpserts
            self.allowMassDeletion = allowMassDeletion
            self.filter = filter
            self.parser = parser
            self.chunker = chunker
            self.collection = collection
            self.strict = strict
            self.dryRun = dryRun
            self.batchSize = batchSize
            self.facets = facets
        }

        /// The facet collection, or nil when facets are off.
        public var facetCollection: String? { facets ? Collections.facets(of: collection) : nil }
    }

    public let store: any VectorStore
    /// How corpus folders are listed.
    let folders: any CorpusFolders
    public let manifest: IngestManifest
    public let embedder: any Embedder
    public let configuration: Configuration
    public let logger: Logger
    public let progress: (any ProgressReporter)?
    /// Batch upserts so far, for `Configuration.killAfterUpserts`.
    private let upserts = UpsertCount()

    public init(
        store: any VectorStore, manifest: IngestManifest, embedder: any Embedder, configuration: Configuration,
        logger: Logger, progress: (any ProgressReporter)? = nil, folders: any CorpusFolders = LiveCorpusFolders()
    ) {
        self.folders = folders
        self.store = store
        self.manifest = manifest
        self.embedder = embedder
        self.configuration = configuration
        self.logger = logger
        self.progress = progress
    }

    /// A document with its chunks, ready to plan.
    struct PreparedDocument {
        let document: Document
        /// The corpus root of the document's file.
        let root: String
        let docHash: String
        let chunks: [Chunk]
        /// Content hash per chunk id, computed once.
        let chunkHashes: [UUID: String]

        init(document: Document, root: String, chunks: [Chunk]) {
            self.document = document
            self.root = root
            self.docHash = document.contentHash
            self.chunks = chunks
            self.chunkHashes = Dictionary(chunks.map { ($0.id, $0.contentHash) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// What the last ingest left: the collection (if any), its manifest and file stamps.
    struct PreviousState {
        var collectionExists: Bool
        /// The chunks are there but their documents' facets are not (a store from before facets): every
        /// document is read again and gets its facets written, even when its chunks are unchanged.
        var backfillFacets = false
        var entries: [String: IngestManifest.Entry]
        var stamps: [IngestManifest.SourceKey: IngestManifest.FileStamp]
        var roots: [String] = []

        /// Per recorded root, the relative paths of its files (documents' and stamps').
        var recordedFiles: [String: [String]] {
            var files: [String: Set<String>] = [:]
            for entry in entries.values { files[entry.root, default: []].insert(entry.sourcePath) }
            for key in stamps.keys { files[key.root, default: []].insert(key.path) }
            return files.mapValues { $0.sorted() }
        }

        /// Re-roots the records of moved roots, as the manifest will hold them once the run applies.
        mutating func apply(_ moves: [String: SyncScope.Move]) {
            guard !moves.isEmpty else { return }
            for (id, entry) in entries {
                guard let move = moves[entry.root] else { continue }
                entries[id]?.root = move.root
                entries[id]?.sourcePath = move.prefix + entry.sourcePath
            }
            var moved: [IngestManifest.SourceKey: IngestManifest.FileStamp] = [:]
            for (key, stamp) in stamps {
                guard let move = moves[key.root] else {
                    moved[key] = stamp
                    continue
                }
                guard move.keepsStamps else { continue }
                var stamp = stamp
                stamp.root = move.root
                stamp.sourcePath = move.prefix + stamp.sourcePath
                moved[stamp.key] = stamp
            }
            stamps = moved
            roots = Array(Set(roots).subtracting(moves.keys).union(moves.values.map(\.root))).sorted()
        }
    }

    /// The corpus as read now.
    struct CorpusSnapshot {
        /// Documents parsed in this run (their file changed, or had no stamp).
        var prepared: [PreparedDocument] = []
        /// Ids of documents whose file bytes matched the last ingest and were not parsed again.
        var unchangedByStamp = Set<String>()
        /// Stamps of files that parsed without any error.
        var cleanFiles: [IngestManifest.FileStamp] = []
        /// Files with at least one error: their documents keep what the store has.
        var failedPaths = Set<IngestManifest.SourceKey>()
        /// Files and folders the walk could not read: documents recorded under them keep what the store has.
        var unreadable: [IngestManifest.SourceKey] = []
        var seenPaths = Set<IngestManifest.SourceKey>()
        /// Which file each document id came from, to catch duplicate ids.
        var owners: [String: String] = [:]
    }

    /// One document's write: chunks to upsert and chunk ids known to be stale.
    struct DocumentWrite {
        var item: PreparedDocument
        var upserts: [Chunk]
        var stale: Set<UUID>
        /// The document's facets, when facets are on (set once, when the writes are applied).
        var facets: [DocumentFacet] = []
    }

    /// Ingests `paths` (folders or files).
    ///
    /// - Returns: the summary; `errors` lists every document that could not be read (their previous chunks
    ///   stay in the store).
    /// - Throws: `SupportKitError` for store or embedder failures; `IngestError.strictFailure` with `strict`
    ///   when any document is bad (nothing written).
    public func run(paths: [URL]) async throws -> IngestSummary {
        let clock = ContinuousClock()
        let started = clock.now
        var summary = IngestSummary()
        summary.dryRun = configuration.dryRun

        var previous = try await loadPreviousState()
        let scope = SyncScope(paths: paths, knownRoots: previous.roots, recordedFiles: previous.recordedFiles)
        previous.apply(scope.moves)
        let corpus = read(scope, previous: previous, summary: &summary)
        let (writes, deleted) = plan(corpus, scope: scope, previous: previous, summary: &summary)

        if configuration.strict, !summary.errors.isEmpty {
            summary.seconds = (clock.now - started).seconds
            throw IngestError.strictFailure(summary)
        }
        if deleted.count > Configuration.massDeletionAllowance, deleted.count * 2 > previous.entries.count {
            summary.massDeletion = IngestSummary.MassDeletion(
                documents: deleted.count, of: previous.entries.count, allowed: configuration.allowMassDeletion)
            if !configuration.allowMassDeletion, !configuration.dryRun {
                summary.seconds = (clock.now - started).seconds
                throw IngestError.massDeletion(summary)
            }
        }
        if !configuration.dryRun {
            try await manifest.recordRoots(scope.roots, moves: scope.moves)
            try await apply(writes, deleted: deleted, corpus: corpus, scope: scope, previous: previous, summary: &summary)
        }
        summary.seconds = (clock.now - started).seconds
        return summary
    }

    /// Checks the collection against this embedder and loads the manifest; a manifest whose collection is
    /// gone is stale and ignored.
    private func loadPreviousState() async throws -> PreviousState {
        let existing = try await store.collection(named: configuration.collection)
        if let existing {
            try existing.checkCompatible(with: collectionSpec)
        }
        var state = PreviousState(
            collectionExists: existing != nil, entries: try await manifest.entries(), stamps: try await manifest.fileStamps(),
            roots: try await manifest.roots())
        if let facetSpec = facetCollectionSpec {
            let facets = try await store.collection(named: facetSpec.name)
            if existing == nil {
                // Facets of a collection that is gone (dropped by `--rebuild` or by hand) describe nothing and
                // may hold another embedder's vectors: they go with it.
                if facets != nil, !configuration.dryRun { try await store.deleteCollection(facetSpec.name) }
            } else if let facets {
                try facets.checkCompatible(with: facetSpec)
            } else if !state.entries.isEmpty {
                logger.notice("collection \(facetSpec.name) is missing; writing every document's facets")
                state.backfillFacets = true
            }
        }
        if existing == nil, !state.entries.isEmpty || !state.stamps.isEmpty {
            logger.notice("collection \(configuration.collection) is missing; re-ingesting everything")
            if !configuration.dryRun { try await manifest.reset() }
            state.entries = [:]
            state.stamps = [:]
            state.roots = []
        }
        return state
    }

    /// Walks, reads and parses the corpus; files whose bytes (and settings) are unchanged are not parsed.
    private func read(_ scope: SyncScope, previous: PreviousState, summary: inout IngestSummary) -> CorpusSnapshot {
        let walker = CorpusWalker(targets: scope.targets, folders: folders)
        summary.errors = scope.errors + walker.errors
        let files = walker.files.filter { configuration.filter.admits($0.relativePath) }
        summary.filesExcluded = walker.files.count - files.count
        summary.files = files.count
        let parser = DocumentParser(configuration: configuration.parser)
        let chunker = Chunker(configuration: configuration.chunker, tokenCounter: embedder.tokenCounter)
        let settingsHash = self.settingsHash
        let previousByPath = Dictionary(grouping: previous.entries.values) { IngestManifest.SourceKey(root: $0.root, path: $0.sourcePath) }
        var corpus = CorpusSnapshot()
        corpus.unreadable = walker.unreadableFolders

        for (index, file) in files.enumerated() {
            progress?.update(ProgressStep(phase: "parse", done: index, total: files.count, item: file.relativePath))
            corpus.seenPaths.insert(file.key)
            var info = stat()
            let hasInfo = stat(file.url.path, &info) == 0
            let size = hasInfo ? Int(info.st_size) : -1
            #if canImport(Darwin)
            let stamp = info.st_mtimespec
            #else
            let stamp = info.st_mtim
            #endif
            let modified = hasInfo ? Double(stamp.tv_sec) + Double(stamp.tv_nsec) / 1e9 : 0
            var data: Data?
            if size >= 0, size <= configuration.parser.maxFileBytes {
                data = try? Data(contentsOf: file.url)
            }
            var fileHash: String?
            if let data {
                var hasher = ContentHasher()
                hasher.combine(settingsHash)
                data.withUnsafeBytes { hasher.combine(bytes: $0) }
                fileHash = hasher.finalize()
                // Unchanged bytes under unchanged settings: the manifest already holds this file's documents.
                if !previous.backfillFacets, let stamp = previous.stamps[file.key], stamp.hash == fileHash,
                   let owned = previousByPath[file.key]?.map(\.docId),
                   owned.allSatisfy({ corpus.owners[$0] == nil }) {
                    for id in owned {
                        corpus.owners[id] = file.relativePath
                        corpus.unchangedByStamp.insert(id)
                    }
                    summary.filesSkipped += 1
                    continue
                }
            }
            // Oversized or unreadable files go through `parseFile`, which words the error.
            logger.debug("parse \(file.relativePath)")
            let result = data.map { parser.parse($0, relativePath: file.relativePath) }
                ?? parser.parseFile(at: file.url, relativePath: file.relativePath)
            summary.bytesParsed += result.byteCount
            summary.markup += result.markup
            summary.documentsSkipped += result.skipped.count
            for skip in result.skipped { logger.debug("\(skip.path): skipped (\(skip.reason))") }
            var fileErrors = result.errors
            for document in result.documents {
                if let owner = corpus.owners[document.id] {
                    fileErrors.append(InputError(
                        SourceLocation(path: file.relativePath, line: document.blocks.first?.lineStart ?? 1), field: "id",
                        problem: "duplicate document id \"\(document.id)\", already used by \(owner)",
                        remedy: "give one of the documents a different `id`"))
                    continue
                }
                // The id belongs to a document of another root, or of a part of this one the run does not cover.
                if let other = previous.entries[document.id], other.root != file.root || other.sourcePath != file.relativePath,
                   !scope.covers(root: other.root, relativePath: other.sourcePath) {
                    fileErrors.append(InputError(
                        SourceLocation(path: file.relativePath, line: document.blocks.first?.lineStart ?? 1), field: "id",
                        problem: "duplicate document id \"\(document.id)\", already used by \((other.root as NSString).appendingPathComponent(other.sourcePath))",
                        remedy: "give one of the documents a different `id`"))
                    continue
                }
                let chunked: Chunker.Chunked
                do {
                    chunked = try chunker.chunk(document)
                } catch {
                    fileErrors.append(InputError(
                        SourceLocation(path: file.relativePath, line: error.line), field: "chunking", problem: error.problem,
                        remedy: "split the article, or its long table, list or code block, into smaller parts"))
                    continue
                }
                if chunked.oversize > 0 {
                    logger.debug("\(file.relativePath): \(chunked.oversize) chunk(s) over the token budget (code or Q&A kept whole)")
                }
                summary.chunksOversize += chunked.oversize
                corpus.owners[document.id] = file.relativePath
                corpus.prepared.append(PreparedDocument(document: document, root: file.root, chunks: chunked.chunks))
            }
            if fileErrors.isEmpty, let fileHash {
                corpus.cleanFiles.append(IngestManifest.FileStamp(root: file.root, sourcePath: file.relativePath, size: size, modified: modified, hash: fileHash))
            } else {
                corpus.failedPaths.insert(file.key)
                summary.errors.append(contentsOf: fileErrors)
                summary.documents.failed += max(1, fileErrors.count)
            }
        }
        progress?.update(ProgressStep(phase: "parse", done: files.count, total: files.count, isFinal: true))
        return corpus
    }

    /// Compares the corpus with the manifest: what to write per document, and which documents to delete.
    private func plan(_ corpus: CorpusSnapshot, scope: SyncScope, previous: PreviousState, summary: inout IngestSummary) -> (writes: [DocumentWrite], deleted: [String]) {
        var writes: [DocumentWrite] = []
        for item in corpus.prepared {
            let newChunks = item.chunkHashes
            guard let old = previous.entries[item.document.id] else {
                summary.documents.added += 1
                summary.chunks.added += item.chunks.count
                summary.plan["added", default: []].append(item.document.id)
                writes.append(DocumentWrite(item: item, upserts: item.chunks, stale: []))
                continue
            }
            if old.docHash == recordedHash(item), old.chunks == newChunks, old.root == item.root {
                summary.documents.unchanged += 1
                summary.chunks.unchanged += item.chunks.count
                if previous.backfillFacets { writes.append(DocumentWrite(item: item, upserts: [], stale: [])) }
                continue
            }
            summary.documents.changed += 1
            summary.plan["changed", default: []].append(item.document.id)
            var upserts: [Chunk] = []
            for chunk in item.chunks {
                switch old.chunks[chunk.id] {
                case nil: summary.chunks.added += 1; upserts.append(chunk)
                case newChunks[chunk.id]: summary.chunks.unchanged += 1
                default: summary.chunks.changed += 1; upserts.append(chunk)
                }
            }
            let stale = Set(old.chunks.keys).subtracting(newChunks.keys)
            summary.chunks.deleted += stale.count
            writes.append(DocumentWrite(item: item, upserts: upserts, stale: stale))
        }
        summary.documents.unchanged += corpus.unchangedByStamp.count
        summary.chunks.unchanged += corpus.unchangedByStamp.reduce(0) { $0 + (previous.entries[$1]?.chunks.count ?? 0) }
        // Deleted: documents in the run's scope whose file is gone, or whose file was read cleanly and no longer
        // has them. Nothing outside the scope is ever a candidate, nor anything under a file or folder the run
        // could not read.
        let deleted = previous.entries.values
            .filter { entry in
                let key = IngestManifest.SourceKey(root: entry.root, path: entry.sourcePath)
                return corpus.owners[entry.docId] == nil && scope.covers(root: entry.root, relativePath: entry.sourcePath)
                    && !corpus.failedPaths.contains(key) && !CorpusWalker.isUnder(key, anyOf: corpus.unreadable)
            }
            .map(\.docId).sorted()
        summary.documents.deleted = deleted.count
        summary.chunks.deleted += deleted.reduce(0) { $0 + (previous.entries[$1]?.chunks.count ?? 0) }
        if !deleted.isEmpty { summary.plan["deleted"] = deleted }
        return (writes, deleted)
    }

    /// Writes first, deletes after, records last, batch by batch.
    private func apply(
        _ writes: [DocumentWrite], deleted: [String], corpus: CorpusSnapshot, scope: SyncScope, previous: PreviousState,
        summary: inout IngestSummary
    ) async throws {
        if !writes.isEmpty || !previous.collectionExists {
            try await store.prepareCollection(collectionSpec)
            if let facetCollectionSpec { try await store.prepareCollection(facetCollectionSpec) }
        }
        // Work per document: its chunks to write, and its facets (rewritten with every written document).
        var writes = writes
        if configuration.facets {
            for index in writes.indices { writes[index].facets = writes[index].item.document.facets }
        }
        let totalChunks = writes.reduce(0) { $0 + $1.upserts.count + $1.facets.count }
        var writtenChunks = 0
        var batch: [DocumentWrite] = []
        var batchChunks = 0
        for write in writes {
            batch.append(write)
            batchChunks += write.upserts.count + write.facets.count
            if batchChunks >= configuration.batchSize || write.item.document.id == writes.last?.item.document.id {
                try await apply(batch, summary: &summary)
                writtenChunks += batchChunks
                progress?.update(ProgressStep(phase: "embed+write", done: writtenChunks, total: totalChunks, isFinal: writtenChunks == totalChunks))
                batch.removeAll()
                batchChunks = 0
            }
        }
        // Deleted documents lose their facets too, when there is a facet collection to delete them from.
        var deletedFacets: String?
        if let facetCollection = configuration.facetCollection, !deleted.isEmpty, try await store.collection(named: facetCollection) != nil {
            deletedFacets = facetCollection
        }
        for start in stride(from: 0, to: deleted.count, by: 500) {
            let ids = Array(deleted[start..<min(start + 500, deleted.count)])
            let filter = Filter(must: [FieldMatch(key: ChunkKey.docId, anyOf: ids)])
            try await manifest.markPending(ids.compactMap { previous.entries[$0] }.map { ($0.docId, $0.root, $0.sourcePath) })
            summary.removed += try await store.count(in: configuration.collection, filter: filter)
            try await store.delete(in: configuration.collection, matching: filter)
            if let deletedFacets {
                summary.removed += try await store.count(in: deletedFacets, filter: filter)
                try await store.delete(in: deletedFacets, matching: filter)
            }
            try await manifest.record([], removing: ids)
        }
        let removedFiles = previous.stamps.keys.filter { key in
            scope.covers(root: key.root, relativePath: key.path) && (!corpus.seenPaths.contains(key) || corpus.failedPaths.contains(key))
                && !CorpusWalker.isUnder(key, anyOf: corpus.unreadable)
        }
        try await manifest.recordFiles(corpus.cleanFiles.filter { previous.stamps[$0.key] != $0 }, removing: removedFiles)
    }

    /// `Configuration.killAfterUpserts`: counts this batch upsert and SIGKILLs the process at the limit.
    private func killIfTold() {
        guard let limit = configuration.killAfterUpserts else { return }
        let count = upserts.value.withLock { value in
            value += 1
            return value
        }
        if count >= limit { kill(getpid(), SIGKILL) }
    }

    private func apply(_ batch: [DocumentWrite], summary: inout IngestSummary) async throws {
        // Journal first: a crash from here until the entries below are recorded leaves these documents marked, so
        // `--verify` stays clean and the next run rewrites them.
        try await manifest.markPending(batch.map { ($0.item.document.id, $0.item.root, $0.item.document.sourcePath) })
        let chunks = batch.flatMap(\.upserts)
        let counter = embedder as? CachingEmbedder
        let before = await counter?.embeddedCount ?? 0
        let vectors = try await embedder.embedAll(chunks.map(\.embeddingText))
        let after = await counter?.embeddedCount ?? chunks.count
        summary.embedded += after - before
        let points = zip(chunks, vectors).map { Point(id: $0.id, vector: $1, payload: $0.payload) }
        for start in stride(from: 0, to: points.count, by: max(1, configuration.batchSize)) {
            try await store.upsert(Array(points[start..<min(start + configuration.batchSize, points.count)]), into: configuration.collection)
        }
        summary.written += points.count
        killIfTold()
        let facets = batch.flatMap(\.facets)
        if let facetCollection = configuration.facetCollection, !facets.isEmpty {
            let before = await counter?.embeddedCount ?? 0
            let vectors = try await embedder.embedAll(facets.map(\.text))
            summary.embedded += (await counter?.embeddedCount ?? facets.count) - before
            let points = zip(facets, vectors).map { Point(id: $0.id, vector: $1, payload: $0.payload) }
            for start in stride(from: 0, to: points.count, by: max(1, configuration.batchSize)) {
                try await store.upsert(Array(points[start..<min(start + configuration.batchSize, points.count)]), into: facetCollection)
            }
            summary.written += points.count
            summary.facetsWritten += points.count
        }
        // Stale chunks: what the manifest remembers, plus whatever an interrupted run left behind.
        for write in batch {
            let item = write.item
            summary.removed += try await prune(
                configuration.collection, docId: item.document.id, keeping: Set(item.chunks.map(\.id)), known: write.stale)
            if let facetCollection = configuration.facetCollection {
                summary.removed += try await prune(
                    facetCollection, docId: item.document.id, keeping: Set(write.facets.map(\.id)), known: [])
            }
        }
        try await manifest.record(batch.map { write in
            IngestManifest.Entry(
                docId: write.item.document.id, root: write.item.root, sourcePath: write.item.document.sourcePath, docHash: recordedHash(write.item),
                chunks: write.item.chunkHashes)
        }, removing: [])
    }

    /// The document hash the manifest records: it also says whether the document's facets were written, so a
    /// store ingested before facets existed (or without them) gets them, crash-safely, like any other change.
    private func recordedHash(_ item: PreparedDocument) -> String {
        configuration.facets ? item.docHash + "+facets-v1" : item.docHash
    }

    /// Deletes the points of `docId` in `collection` that are not in `keeping`, plus the `known` stale ids.
    /// - Returns: how many points were deleted.
    private func prune(_ collection: String, docId: String, keeping: Set<UUID>, known: Set<UUID>) async throws -> Int {
        var leftovers = known
        var offset: UUID?
        repeat {
            let page = try await store.scroll(
                collection, filter: Filter(must: [FieldMatch(ChunkKey.docId, docId)]), offset: offset, limit: 512, withVectors: false)
            for point in page.points where !keeping.contains(point.id) { leftovers.insert(point.id) }
            offset = page.next
        } while offset != nil
        if !leftovers.isEmpty {
            try await store.delete(in: collection, matching: Filter(ids: leftovers))
        }
        return leftovers.count
    }

    var facetCollectionSpec: CollectionSpec? {
        configuration.facetCollection.map {
            CollectionSpec(
                name: $0, dimension: embedder.fingerprint.dimension, embedder: embedder.fingerprint,
                indexedKeys: [FacetKey.docId, FacetKey.category])
        }
    }

    var collectionSpec: CollectionSpec {
        .knowledge(configuration.collection, embedder: embedder.fingerprint)
    }

    /// Everything besides a file's bytes that decides its documents and chunks.
    var settingsHash: String {
        var hasher = ContentHasher()
        hasher.combine("ingest-v1")
        hasher.combine(configuration.facets ? "facets-v1" : "no-facets")
        hasher.combine(configuration.parser.categories.names.joined(separator: ","))
        let mapping = configuration.parser.frontMatter
        hasher.combine(mapping.categoryFields.joined(separator: ","))
        hasher.combine(mapping.categoryAliases.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))
        hasher.combine(mapping.defaultCategory ?? "")
        hasher.combine(mapping.skipWhen.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))
        hasher.combine("\(configuration.parser.maxFileBytes)")
        hasher.combine("\(configuration.chunker.maxTokens)/\(configuration.chunker.overlapTokens)")
        // Chunking itself changed (rows split, pieces' own lines): every file is chunked again once.
        hasher.combine("chunker-v2")
        hasher.combine(embedder.fingerprint.description)
        return hasher.finalize()
    }
}

/// Ingest failures that carry the summary so far.
public enum IngestError: Error, Sendable {
    /// `--strict` and at least one bad document: nothing was written.
    case strictFailure(IngestSummary)
    /// The run would delete more than half of the collection's documents (``IngestSummary/massDeletion``) and
    /// `allowMassDeletion` was not set: nothing was written.
    case massDeletion(IngestSummary)
}

/// A count shared by the copies of one pipeline.
private final class UpsertCount: Sendable {
    let value = Mutex(0)
}
