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
            keeps its previous chunks. Exit codes: 0 ok, 2 some document could not be read, 3 store or model unavailable.
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

    func run() async throws {
        try await runReportingErrors {
            let wiring = try Wiring(options: global)
            let database = try wiring.localDatabase()
            let store = try wiring.makeStore(database: database)
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
                collection: collection, strict: strict, dryRun: dryRun, batchSize: settings.ingest.batchSize)
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

/// The `ingest --json` shape (ARCHITECTURE.md's public contract).
struct IngestReport: Encodable {
    struct Documents: Encodable { var added, changed, unchanged, deleted, failed: Int }
    struct Chunks: Encodable { var added, changed, unchanged, deleted: Int }
    struct ErrorItem: Encodable { var path: String; var line: Int; var column: Int; var message: String }

    var documents: Documents
    var chunks: Chunks
    var embedded: Int
    var written: Int
    var removed: Int
    var dry_run: Bool
    var seconds: Double
    var files: Int
    var files_unchanged: Int
    var bytes_parsed: Int
    var plan: [String: [String]]
    var errors: [ErrorItem]

    init(_ summary: IngestSummary) {
        documents = Documents(added: summary.documents.added, changed: summary.documents.changed, unchanged: summary.documents.unchanged,
                              deleted: summary.documents.deleted, failed: summary.documents.failed)
        chunks = Chunks(added: summary.chunks.added, changed: summary.chunks.changed, unchanged: summary.chunks.unchanged, deleted: summary.chunks.deleted)
        embedded = summary.embedded
        written = summary.written
        removed = summary.removed
        dry_run = summary.dryRun
        seconds = (summary.seconds * 1000).rounded() / 1000
        files = summary.files
        files_unchanged = summary.filesSkipped
        bytes_parsed = summary.bytesParsed
        plan = summary.plan
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
        lines.append("documents: \(d.added) added, \(d.changed) changed, \(d.unchanged) unchanged, \(d.deleted) deleted, \(d.failed) failed")
        lines.append("chunks:    \(c.added) added, \(c.changed) changed, \(c.unchanged) unchanged, \(c.deleted) deleted")
        if summary.dryRun {
            lines.append("would embed at most \(c.added + c.changed) chunk text(s) with \(embedder)")
        } else if summary.isNoOp {
            lines.append("store already in sync: nothing embedded, nothing written (\(summary.files) files, \(summary.filesSkipped) unchanged by content hash) in \(String(format: "%.2f", summary.seconds)) s")
        } else {
            lines.append("embedded \(summary.embedded) text(s) with \(embedder), wrote \(summary.written) and removed \(summary.removed) point(s) in \(String(format: "%.2f", summary.seconds)) s")
        }
        return lines.joined(separator: "\n")
    }
}
