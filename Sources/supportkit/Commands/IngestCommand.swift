import ArgumentParser
import Foundation
import SupportKit
import SupportKitIngest
import SupportKitParsing
import SupportKitStore

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Parse, chunk, embed and sync support documents into the store.",
        discussion: """
            Unchanged documents cost nothing; changed ones are re-chunked and only their changed chunks are
            re-embedded; deleted ones disappear from the store. A document that cannot be read is reported and
            keeps its previous chunks. A run deletes only documents of the corpus roots (or the parts of them) it
            was given whose files are gone; a path that does not exist deletes nothing. A run that would delete
            more than half of the collection's documents stops unless `--allow-mass-delete` is given. `--verify` compares the ingest manifest with the store and reports chunks
            on one side only; `--verify --repair` deletes orphans and re-ingests documents with missing chunks.
            Exit codes: 0 ok, 1 `--verify` found differences (without `--repair`), 2 some document or path could
            not be read, or a mass deletion was refused, 3 store or model unavailable.
            """)

    @Argument(help: "Folders or files to ingest (Markdown, HTML, JSON, JSONL).")
    var paths: [String] = ["corpora"]

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Print the plan (added, changed, unchanged, deleted) and change nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Fail before writing anything when any document is bad.")
    var strict = false

    @Option(name: .long, help: "Collection to ingest into.")
    var collection: String = Collections.knowledge

    @Flag(name: .long, help: "Drop the collection first and ingest everything again (e.g. after switching embedders).")
    var rebuild = false

    @Flag(name: .long, help: "Go ahead when the run deletes more than half of the collection's documents.")
    var allowMassDelete = false

    @Flag(name: .long, help: "Compare the ingest manifest with the store: chunks the manifest has and the store lacks, and the reverse.")
    var verify = false

    @Flag(name: .long, help: "With --verify: delete orphan points and re-ingest the documents whose chunks are missing.")
    var repair = false

    func validate() throws {
        if repair, !verify { throw ValidationError("--repair goes with --verify") }
        if verify, dryRun || rebuild || strict { throw ValidationError("--verify does not combine with --dry-run, --rebuild or --strict") }
    }

    func run() async throws {
        try await runReportingErrors {
            let wiring = try Wiring(options: global)
            let database = try wiring.localDatabase()
            let store = try await wiring.makeStore(database: database)
            if verify {
                try await runVerify(wiring: wiring, database: database, store: store)
                return
            }
            let embedder = try wiring.makeEmbedder(database: database)
            let manifest = IngestManifest(database: database, collection: collection)
            if rebuild, !dryRun {
                try await store.deleteCollection(collection)
                try await manifest.reset()
            }
            let settings = wiring.settings
            let configuration = IngestPipeline.Configuration(
                parser: DocumentParser.Configuration(categories: settings.categories, maxFileBytes: Int(settings.ingest.maxFileMB * 1_048_576)),
                chunker: Chunker.Configuration(maxTokens: settings.ingest.maxTokens, overlapTokens: settings.ingest.overlapTokens),
                collection: collection, strict: strict, dryRun: dryRun, batchSize: settings.ingest.batchSize,
                allowMassDeletion: allowMassDelete)
            let bar = ProgressBar()
            let pipeline = IngestPipeline(
                store: store, manifest: manifest, embedder: embedder, configuration: configuration, logger: wiring.logger,
                progress: { phase, done, total in bar.update(phase: phase, done: done, total: total) })
            let summary: IngestSummary
            do {
                summary = try await pipeline.run(paths: paths.map { URL(fileURLWithPath: $0) })
            } catch IngestError.strictFailure(let partial) {
                bar.finish()
                for error in partial.errors { Terminal.message("error: \(error)") }
                Terminal.message("--strict: \(partial.errors.count) bad document(s); nothing was written")
                if global.json { try Terminal.printJSON(IngestReport(partial)) }
                throw ExitCode(2)
            } catch IngestError.massDeletion(let partial) {
                bar.finish()
                for error in partial.errors { Terminal.message("error: \(error)") }
                Terminal.message("error: " + (partial.massDeletion?.explanation ?? "refusing a mass deletion"))
                if global.json { try Terminal.printJSON(IngestReport(partial)) }
                throw ExitCode(2)
            }
            bar.finish()
            for error in summary.errors { Terminal.message("error: \(error)") }
            if global.json {
                try Terminal.printJSON(IngestReport(summary))
            } else {
                Terminal.message(IngestReport.describe(summary, embedder: embedder.fingerprint.description))
            }
            if !summary.errors.isEmpty { throw ExitCode(2) }
        }
    }
}

extension IngestCommand {
    /// `--verify [--repair]`: report, optionally repair (orphans deleted, documents with missing chunks
    /// re-ingested from `paths`), then verify again.
    func runVerify(wiring: Wiring, database: StoreDatabase, store: any VectorStore) async throws {
        let manifest = IngestManifest(database: database, collection: collection)
        let verifier = IngestVerifier(store: store, manifest: manifest, collection: collection)
        let before = try await verifier.verify()
        var after = before
        var deleted = 0
        var reingested: [String] = []
        var summary: IngestSummary?
        if repair, !before.isConsistent {
            (deleted, reingested) = try await verifier.repair(before)
            if !reingested.isEmpty {
                let embedder = try wiring.makeEmbedder(database: database)
                let settings = wiring.settings
                let configuration = IngestPipeline.Configuration(
                    parser: DocumentParser.Configuration(categories: settings.categories, maxFileBytes: Int(settings.ingest.maxFileMB * 1_048_576)),
                    chunker: Chunker.Configuration(maxTokens: settings.ingest.maxTokens, overlapTokens: settings.ingest.overlapTokens),
                    collection: collection, batchSize: settings.ingest.batchSize)
                let pipeline = IngestPipeline(store: store, manifest: manifest, embedder: embedder, configuration: configuration, logger: wiring.logger)
                summary = try await pipeline.run(paths: paths.map { URL(fileURLWithPath: $0) })
            }
            after = try await verifier.verify()
        }
        if global.json {
            try Terminal.printJSON(VerifyReport(before: before, after: repair ? after : nil, deleted: deleted, reingested: reingested))
        } else {
            Terminal.message(VerifyReport.describe(before, collection: collection, repairing: repair))
            if repair, !before.isConsistent {
                Terminal.message("repair: deleted \(deleted) orphan point(s); re-ingested \(reingested.count) document(s)"
                    + (summary.map { ", wrote \($0.written) point(s), embedded \($0.embedded) text(s)" } ?? ""))
                Terminal.message("after repair: " + (after.isConsistent ? "store and manifest agree" : "\(after.missing.count) missing, \(after.orphans.count) orphan(s) remain; "
                    + "check that the paths given are the ones ingested before"))
            }
        }
        for error in summary?.errors ?? [] { Terminal.message("error: \(error)") }
        if !after.isConsistent { throw ExitCode(1) }
    }
}

/// The `ingest --verify --json` shape.
struct VerifyReport: Encodable {
    struct Side: Encodable {
        var manifest_documents: Int
        var manifest_chunks: Int
        var store_points: Int
        var missing: [Item]
        var orphans: [Item]
        var consistent: Bool

        init(_ report: IngestVerifier.Report) {
            manifest_documents = report.manifestDocuments
            manifest_chunks = report.manifestChunks
            store_points = report.storePoints
            missing = report.missing.map(Item.init)
            orphans = report.orphans.map(Item.init)
            consistent = report.isConsistent
        }
    }

    struct Item: Encodable {
        var doc_id: String
        var chunk_id: String
        init(_ item: IngestVerifier.Discrepancy) {
            doc_id = item.docId
            chunk_id = item.chunkId.uuidString
        }
    }

    var before: Side
    var after: Side?
    var deleted_orphans: Int
    var reingested_documents: [String]

    init(before: IngestVerifier.Report, after: IngestVerifier.Report?, deleted: Int, reingested: [String]) {
        self.before = Side(before)
        self.after = after.map(Side.init)
        deleted_orphans = deleted
        reingested_documents = reingested
    }

    static func describe(_ report: IngestVerifier.Report, collection: String, repairing: Bool) -> String {
        var lines = ["verify \(collection): manifest \(report.manifestDocuments) document(s), \(report.manifestChunks) chunk(s); store \(report.storePoints) point(s)"]
        if report.isConsistent {
            lines.append("store and manifest agree")
            return lines.joined(separator: "\n")
        }
        lines.append("missing from the store: \(report.missing.count) chunk(s) in \(report.documentsWithMissingChunks.count) document(s)")
        for item in report.missing.prefix(20) { lines.append("  missing  \(item.docId)  \(item.chunkId.uuidString)") }
        if report.missing.count > 20 { lines.append("  ... and \(report.missing.count - 20) more") }
        lines.append("orphans in the store (not in the manifest): \(report.orphans.count)")
        for item in report.orphans.prefix(20) { lines.append("  orphan   \(item.docId.isEmpty ? "(no doc_id)" : item.docId)  \(item.chunkId.uuidString)") }
        if report.orphans.count > 20 { lines.append("  ... and \(report.orphans.count - 20) more") }
        if !repairing { lines.append("run `supportkit ingest PATH... --verify --repair` with the same paths and store to fix it") }
        return lines.joined(separator: "\n")
    }
}

/// The `ingest --json` shape (ARCHITECTURE.md's public contract).
struct IngestReport: Encodable {
    struct Documents: Encodable { var added, changed, unchanged, deleted, failed: Int }
    struct Chunks: Encodable { var added, changed, unchanged, deleted: Int }
    struct ErrorItem: Encodable { var path: String; var line: Int; var column: Int; var message: String }

    var documents: Documents
    var chunks: Chunks
    var embedded: Int
    var written: Int
    /// Of `written`, the article title/tag facets.
    var facets_written: Int
    var removed: Int
    var dry_run: Bool
    var seconds: Double
    var files: Int
    var files_unchanged: Int
    var bytes_parsed: Int
    var plan: [String: [String]]
    var errors: [ErrorItem]
    /// Present when the run deletes, or was stopped before deleting, more than half of the documents.
    var mass_deletion: MassDeletion?
    struct MassDeletion: Encodable { var documents: Int; var of: Int; var allowed: Bool }

    init(_ summary: IngestSummary) {
        documents = Documents(added: summary.documents.added, changed: summary.documents.changed, unchanged: summary.documents.unchanged,
                              deleted: summary.documents.deleted, failed: summary.documents.failed)
        chunks = Chunks(added: summary.chunks.added, changed: summary.chunks.changed, unchanged: summary.chunks.unchanged, deleted: summary.chunks.deleted)
        embedded = summary.embedded
        written = summary.written
        facets_written = summary.facetsWritten
        removed = summary.removed
        dry_run = summary.dryRun
        seconds = (summary.seconds * 1000).rounded() / 1000
        files = summary.files
        files_unchanged = summary.filesSkipped
        bytes_parsed = summary.bytesParsed
        plan = summary.plan
        mass_deletion = summary.massDeletion.map { MassDeletion(documents: $0.documents, of: $0.of, allowed: $0.allowed) }
        errors = summary.errors.map {
            ErrorItem(path: $0.location.path, line: $0.location.line, column: $0.location.column, message: "\($0.field): \($0.problem); \($0.remedy)")
        }
    }

    static func describe(_ summary: IngestSummary, embedder: String) -> String {
        let d = summary.documents, c = summary.chunks
        var lines: [String] = []
        if summary.dryRun {
            lines.append("Plan (dry run, nothing changed):")
            for action in ["added", "changed", "deleted"] {
                for id in summary.plan[action] ?? [] { lines.append("  \(action.padding(toLength: 8, withPad: " ", startingAt: 0)) \(id)") }
            }
        }
        if let mass = summary.massDeletion, summary.dryRun, !mass.allowed {
            lines.append("warning: without --allow-mass-delete this run stops before writing: " + mass.explanation)
        }
        lines.append("documents: \(d.added) added, \(d.changed) changed, \(d.unchanged) unchanged, \(d.deleted) deleted, \(d.failed) failed")
        lines.append("chunks:    \(c.added) added, \(c.changed) changed, \(c.unchanged) unchanged, \(c.deleted) deleted")
        if summary.dryRun {
            lines.append("would embed at most \(c.added + c.changed) chunk text(s) with \(embedder)")
        } else if summary.isNoOp {
            lines.append("store already in sync: nothing embedded, nothing written (\(summary.files) files, \(summary.filesSkipped) unchanged by content hash) in \(String(format: "%.2f", summary.seconds)) s")
        } else {
            let facets = summary.facetsWritten > 0
                ? " (\(summary.written - summary.facetsWritten) chunks, \(summary.facetsWritten) title/tag facets)" : ""
            lines.append("embedded \(summary.embedded) text(s) with \(embedder), wrote \(summary.written) point(s)\(facets) and removed \(summary.removed) in \(String(format: "%.2f", summary.seconds)) s")
        }
        return lines.joined(separator: "\n")
    }
}
