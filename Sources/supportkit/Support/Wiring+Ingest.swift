import Foundation
import SupportKit
import SupportKitIngest
import SupportKitParsing
import SupportKitStore

extension Wiring {
    /// The pipeline's settings: parser and chunker from the settings file's `ingest:` and `categories:`.
    func ingestConfiguration(collection: String, strict: Bool = false, dryRun: Bool = false, allowMassDeletion: Bool = false) -> IngestPipeline.Configuration {
        let ingest = settings.ingest
        return IngestPipeline.Configuration(
            parser: DocumentParser.Configuration(
                categories: settings.categories, maxFileBytes: Int(ingest.maxFileMB * 1_048_576), frontMatter: ingest.frontMatter),
            chunker: Chunker.Configuration(
                maxTokens: ingest.maxTokens, overlapTokens: ingest.overlapTokens,
                timeLimit: .milliseconds(Int64(ingest.chunkTimeLimit * 1000)), memoryLimitBytes: ingest.chunkMemoryMB << 20),
            collection: collection, strict: strict, dryRun: dryRun, batchSize: ingest.batchSize,
            allowMassDeletion: allowMassDeletion, filter: CorpusFilter(include: ingest.include.values, exclude: ingest.exclude.values),
            killAfterUpserts: Self.faultKillAfterUpserts(environment))
    }

    /// Crash testing: `SUPPORTKIT_FAULT=kill-after-upserts:N` (the crash-recovery tests set it).
    static func faultKillAfterUpserts(_ environment: [String: String]) -> Int? {
        guard let value = environment["SUPPORTKIT_FAULT"], value.hasPrefix("kill-after-upserts:") else { return nil }
        return Int(value.dropFirst("kill-after-upserts:".count))
    }

    /// The live pipeline into `collection`, and the embedder's fingerprint for the summary. With `rebuild` (and
    /// not `dryRun`) the collection and its manifest are dropped first, after the embedder it recorded is read.
    func makeIngestPipeline(
        collection: String, strict: Bool, dryRun: Bool, allowMassDeletion: Bool, rebuild: Bool,
        progress: any ProgressReporter
    ) async throws -> (pipeline: IngestPipeline, embedder: String) {
        let database = try localDatabase()
        let store = try await makeStore(database: database)
        let embedder = try await makeEmbedder(database: database, store: store, collection: collection)
        let manifest = IngestManifest(database: database, collection: collection)
        if rebuild, !dryRun {
            try await store.deleteCollection(collection)
            try await manifest.reset()
        }
        let pipeline = IngestPipeline(
            store: store, manifest: manifest, embedder: embedder,
            configuration: ingestConfiguration(collection: collection, strict: strict, dryRun: dryRun, allowMassDeletion: allowMassDeletion),
            logger: logger, progress: progress)
        return (pipeline, embedder.fingerprint.description)
    }

    /// A verifier of `collection`, and a maker of the pipeline that re-ingests for `--repair`.
    func makeVerifier(collection: String) async throws -> (verifier: IngestVerifier, pipeline: () async throws -> IngestPipeline) {
        let database = try localDatabase()
        let store = try await makeStore(database: database)
        let manifest = IngestManifest(database: database, collection: collection)
        let verifier = IngestVerifier(store: store, manifest: manifest, collection: collection)
        return (verifier, {
            IngestPipeline(
                store: store, manifest: manifest, embedder: try await makeEmbedder(database: database, store: store, collection: collection),
                configuration: ingestConfiguration(collection: collection), logger: logger)
        })
    }
}
