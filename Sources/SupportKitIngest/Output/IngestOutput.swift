import Foundation
import SupportKit
import SupportKitParsing

/// `supportkit ingest --json` (ARCHITECTURE.md's contract): `{"documents": {"added", "changed", "unchanged",
/// "deleted", "failed"}, "chunks": {"added", "changed", "unchanged", "deleted"}, "embedded": N, "errors": [{"path",
/// "line", "column", "message"}], ...}`.
public struct IngestOutput: Encodable, Sendable {
    /// Documents by what happened to them.
    public struct Documents: Encodable, Sendable { public var added, changed, unchanged, deleted, failed, skipped: Int }
    /// Chunks by what happened to them.
    public struct Chunks: Encodable, Sendable { public var added, changed, unchanged, deleted: Int }
    /// The mass-deletion guard's verdict.
    public struct MassDeletion: Encodable, Sendable { public var documents: Int; public var of: Int; public var allowed: Bool }

    /// Documents added, changed, unchanged, deleted, failed.
    public var documents: Documents
    /// Chunks added, changed, unchanged, deleted.
    public var chunks: Chunks
    /// Chunks over the token budget (code blocks and question-answer pairs are kept whole).
    public var oversizeChunks: Int
    /// Static-site markup removed while parsing, by kind (`liquid_tags`, `kramdown_attributes`, ...).
    public var markup: MarkupCounts
    /// Texts sent to the embedder.
    public var embedded: Int
    /// Points written.
    public var written: Int
    /// Of `written`, the article title/tag facets.
    public var facetsWritten: Int
    /// Points deleted.
    public var removed: Int
    /// Whether nothing was changed (`--dry-run`).
    public var dryRun: Bool
    /// Wall-clock seconds, to the millisecond.
    public var seconds: Double
    /// Files seen.
    public var files: Int
    /// Files whose bytes had not changed (not parsed again).
    public var filesUnchanged: Int
    /// Files left out by `ingest.include` / `ingest.exclude`.
    public var filesExcluded: Int
    /// Bytes parsed.
    public var bytesParsed: Int
    /// Document ids per action (`added`, `changed`, `deleted`).
    public var plan: [String: [String]]
    /// Documents and paths that could not be read.
    public var errors: [InputErrorOutput]
    /// Present when the run deletes, or was stopped before deleting, more than half of the documents.
    public var massDeletion: MassDeletion?

    /// The JSON form of `summary`.
    public init(_ summary: IngestSummary) {
        documents = Documents(added: summary.documents.added, changed: summary.documents.changed, unchanged: summary.documents.unchanged,
                              deleted: summary.documents.deleted, failed: summary.documents.failed, skipped: summary.documentsSkipped)
        chunks = Chunks(added: summary.chunks.added, changed: summary.chunks.changed, unchanged: summary.chunks.unchanged, deleted: summary.chunks.deleted)
        oversizeChunks = summary.chunksOversize
        markup = summary.markup
        embedded = summary.embedded
        written = summary.written
        facetsWritten = summary.facetsWritten
        removed = summary.removed
        dryRun = summary.dryRun
        seconds = (summary.seconds * 1000).rounded() / 1000
        files = summary.files
        filesUnchanged = summary.filesSkipped
        filesExcluded = summary.filesExcluded
        bytesParsed = summary.bytesParsed
        plan = summary.plan
        massDeletion = summary.massDeletion.map { MassDeletion(documents: $0.documents, of: $0.of, allowed: $0.allowed) }
        errors = summary.errors.map(InputErrorOutput.init)
    }

    private enum CodingKeys: String, CodingKey {
        case documents, chunks, oversizeChunks = "oversize_chunks", markup, embedded, written, facetsWritten = "facets_written", removed, dryRun = "dry_run", seconds, files
        case filesUnchanged = "files_unchanged", filesExcluded = "files_excluded", bytesParsed = "bytes_parsed", plan, errors, massDeletion = "mass_deletion"
    }
}

/// `supportkit ingest --verify [--repair] --json`: manifest against store, before and after a repair.
public struct VerifyOutput: Encodable, Sendable {
    /// One verification.
    public struct Side: Encodable, Sendable {
        /// Documents the manifest knows.
        public var manifestDocuments: Int
        /// Chunks the manifest knows.
        public var manifestChunks: Int
        /// Points the store holds.
        public var storePoints: Int
        /// Chunks the manifest has and the store lacks.
        public var missing: [Item]
        /// Points the store has and the manifest does not know.
        public var orphans: [Item]
        /// Whether the two agree.
        public var consistent: Bool

        init(_ report: IngestVerifier.Report) {
            manifestDocuments = report.manifestDocuments
            manifestChunks = report.manifestChunks
            storePoints = report.storePoints
            missing = report.missing.map(Item.init)
            orphans = report.orphans.map(Item.init)
            consistent = report.isConsistent
        }

        private enum CodingKeys: String, CodingKey {
            case manifestDocuments = "manifest_documents", manifestChunks = "manifest_chunks", storePoints = "store_points"
            case missing, orphans, consistent
        }
    }

    /// A chunk on one side only.
    public struct Item: Encodable, Sendable {
        /// Its document.
        public var docId: String
        /// The chunk id.
        public var chunkId: String

        init(_ item: IngestVerifier.Discrepancy) {
            docId = item.docId
            chunkId = item.chunkId.uuidString
        }

        private enum CodingKeys: String, CodingKey { case docId = "doc_id", chunkId = "chunk_id" }
    }

    /// The first verification.
    public var before: Side
    /// The verification after `--repair`.
    public var after: Side?
    /// Orphan points deleted by the repair.
    public var deletedOrphans: Int
    /// Documents re-ingested by the repair.
    public var reingestedDocuments: [String]

    /// The JSON form of a verification and its repair.
    public init(before: IngestVerifier.Report, after: IngestVerifier.Report?, deleted: Int, reingested: [String]) {
        self.before = Side(before)
        self.after = after.map(Side.init)
        deletedOrphans = deleted
        reingestedDocuments = reingested
    }

    private enum CodingKeys: String, CodingKey {
        case before, after, deletedOrphans = "deleted_orphans", reingestedDocuments = "reingested_documents"
    }
}
